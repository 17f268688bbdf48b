package io.tandem.decoding;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg program this recorder decodes with (Debian's package, a maintained decoder of every codec
 * but G.711), found once: by path, or by name on the {@code PATH}; with the audio decoders it has. When it
 * is missing the recorder says so once in its log and decodes nothing. Found at once ({@link #locate}) or on a
 * thread of its own ({@link #locateInBackground}), in which case every use waits until it is found. Immutable
 * and thread-safe; each run is a process of its own.
 */
public final class Ffmpeg {
  private static final Logger log = LoggerFactory.getLogger(Ffmpeg.class);
  private static final Duration LIST_TIMEOUT = Duration.ofSeconds(30);
  private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("ffmpeg-timeouts").daemon().factory());

  /** The program (null for none) and its audio decoders, once found. */
  private final CompletableFuture<Found> found;

  private record Found(Path program, Set<String> decoders) {
    static final Found NONE = new Found(null, Set.of());
  }

  private Ffmpeg(CompletableFuture<Found> found) {
    this.found = found;
  }

  /** No decoder at all: every payload other than G.711 stays raw. */
  public static Ffmpeg none() {
    return new Ffmpeg(CompletableFuture.completedFuture(Found.NONE));
  }

  /**
   * As {@link #locate}, but the look-up (a run of the program) is done on a thread of its own, so that a recorder's
   * start does not wait for it: this returns at once, and the first use waits until the program is found.
   */
  public static Ffmpeg locateInBackground(String command) {
    CompletableFuture<Found> found = new CompletableFuture<>();
    Thread.ofPlatform().name("ffmpeg-locate").daemon().start(() -> {
      try {
        found.complete(find(command));
      } catch (RuntimeException e) {
        log.warn("media decoder '{}' could not be looked up ({}): calls in codecs other than G.711 keep their "
            + "payloads raw and are marked codec-unsupported", command, e.toString());
        found.complete(Found.NONE);
      }
    });
    return new Ffmpeg(found);
  }

  /**
   * Finds {@code command} (a path, or a name looked up on the {@code PATH}; empty for none) and lists its
   * audio decoders; logs once when it cannot be found or run.
   */
  public static Ffmpeg locate(String command) {
    return new Ffmpeg(CompletableFuture.completedFuture(find(command)));
  }

  private static Found find(String command) {
    if (command == null || command.isBlank()) {
      log.warn("no media decoder configured: calls in codecs other than G.711 keep their payloads raw and are "
          + "marked codec-unsupported");
      return Found.NONE;
    }
    Path program = findProgram(command.strip());
    if (program == null) {
      log.warn("media decoder '{}' not found (install Debian's ffmpeg): calls in codecs other than G.711 keep "
          + "their payloads raw and are marked codec-unsupported", command);
      return Found.NONE;
    }
    try {
      Set<String> decoders = listDecoders(program);
      log.info("decoding with {} ({} audio decoders)", program, decoders.size());
      return new Found(program, Set.copyOf(decoders));
    } catch (IOException e) {
      log.warn("media decoder {} cannot be run ({}): calls in codecs other than G.711 keep their payloads raw "
          + "and are marked codec-unsupported", program, e.getMessage());
      return Found.NONE;
    }
  }

  public boolean available() {
    return found.join().program() != null;
  }

  /** Whether it has a decoder of any of {@code names} (such as {@code opus}, {@code libopus}). */
  public boolean decodes(List<String> names) {
    Set<String> decoders = found.join().decoders();
    for (String name : names) {
      if (decoders.contains(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs ffmpeg quietly with {@code arguments}; waits at most {@code timeout}, then kills it.
   *
   * @throws IOException when it cannot start, fails (with the end of what it said) or runs too long
   */
  public void run(List<String> arguments, Duration timeout) throws IOException {
    Path program = found.join().program();
    if (program == null) {
      throw new IOException("no media decoder is available");
    }
    List<String> command = new ArrayList<>(List.of(program.toString(), "-hide_banner", "-nostdin", "-loglevel",
        "error", "-y"));
    command.addAll(arguments);
    run(command, timeout, false);
  }

  /**
   * Runs ffmpeg quietly with {@code arguments} that read {@code pipe:0} and write {@code pipe:1}: {@code in} is fed
   * to it and what it writes goes to {@code out}, so no plain audio passes through a file. Waits at most
   * {@code timeout}, then kills it.
   *
   * @throws IOException when it cannot start, fails (with the end of what it said) or runs too long
   */
  public void pipe(List<String> arguments, InputStream in, OutputStream out, Duration timeout) throws IOException {
    Path program = found.join().program();
    if (program == null) {
      throw new IOException("no media decoder is available");
    }
    List<String> command = new ArrayList<>(List.of(program.toString(), "-hide_banner", "-nostdin", "-loglevel",
        "error", "-y"));
    command.addAll(arguments);
    Path said = Files.createTempFile("tandem-ffmpeg", ".log");
    try {
      Process process = new ProcessBuilder(command).redirectError(said.toFile()).start();
      AtomicReference<IOException> unread = new AtomicReference<>();
      Thread feeder = Thread.ofVirtual().name("ffmpeg-feed").start(() -> feed(in, process, unread));
      ScheduledFuture<?> watchdog = TIMEOUTS.schedule(process::destroyForcibly, timeout.toMillis(),
          TimeUnit.MILLISECONDS);
      try (InputStream decoded = process.getInputStream()) {
        decoded.transferTo(out);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || watchdog.isDone()) {
          process.destroyForcibly();
          throw new IOException(command.get(0) + " ran longer than " + timeout.toSeconds() + " s");
        }
        feeder.join();
        if (unread.get() != null) {
          throw new IOException("the input of " + command.get(0) + " could not be read: " + unread.get().getMessage(),
              unread.get());
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while " + command.get(0) + " ran", e);
      } finally {
        watchdog.cancel(false);
      }
      if (process.exitValue() != 0) {
        String text = Files.readString(said, StandardCharsets.UTF_8);
        throw new IOException(command.get(0) + " exited with " + process.exitValue() + ": "
            + text.substring(Math.max(0, text.length() - 600)).strip());
      }
    } finally {
      Files.deleteIfExists(said);
    }
  }

  /**
   * Feeds a process its input. Input that cannot be read is kept in {@code unread} and the process killed, so that
   * no partial decode passes for a whole one; a process that stopped reading (it failed) is told by its exit status.
   */
  private static void feed(InputStream in, Process process, AtomicReference<IOException> unread) {
    byte[] buffer = new byte[1 << 16];
    try (OutputStream stdin = process.getOutputStream()) {
      while (true) {
        int read;
        try {
          read = in.read(buffer);
        } catch (IOException e) {
          unread.set(e);
          process.destroyForcibly();
          return;
        }
        if (read < 0) {
          return;
        }
        stdin.write(buffer, 0, read);
      }
    } catch (IOException e) {
      log.debug("ffmpeg stopped reading its input: {}", e.getMessage());
    }
  }

  private static Set<String> listDecoders(Path program) throws IOException {
    String listing = run(List.of(program.toString(), "-hide_banner", "-decoders"), LIST_TIMEOUT, true);
    Set<String> names = new HashSet<>();
    for (String line : listing.split("\n")) {
      String[] words = line.strip().split("\\s+");
      // " A....D opus   Opus": audio decoders only.
      if (words.length >= 2 && words[0].length() == 6 && words[0].charAt(0) == 'A') {
        names.add(words[1]);
      }
    }
    return names;
  }

  private static String run(List<String> command, Duration timeout, boolean keepOutput) throws IOException {
    Path output = Files.createTempFile("tandem-ffmpeg", ".log");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      boolean ended;
      try {
        ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while " + command.get(0) + " ran", e);
      }
      if (!ended) {
        process.destroyForcibly();
        throw new IOException(command.get(0) + " ran longer than " + timeout.toSeconds() + " s");
      }
      String said = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(command.get(0) + " exited with " + process.exitValue() + ": "
            + said.substring(Math.max(0, said.length() - 600)).strip());
      }
      return keepOutput ? said : "";
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static Path findProgram(String command) {
    if (command.contains(File.separator)) {
      Path path = Path.of(command);
      return Files.isExecutable(path) ? path : null;
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, command))) {
        return Path.of(entry, command);
      }
    }
    return null;
  }
}
