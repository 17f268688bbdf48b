package io.tandem.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs sipp as a real SIP client process: one call of a scenario written into a work directory, against
 * a recorder on loopback, with its errors and message trace kept for assertions. Not thread-safe; each
 * run writes files of its own name.
 */
final class Sipp {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private final Path dir;

  Sipp(Path dir) {
    this.dir = dir;
  }

  /** Skips the calling test when sipp is not installed, as on a machine where it could not be. */
  static void assumeInstalled() {
    boolean found = false;
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      found |= !entry.isEmpty() && Files.isExecutable(Path.of(entry, "sipp"));
    }
    assumeTrue(found, "sipp is not on the PATH");
  }

  /** Skips the calling test unless sipp may send raw packets, which playing a capture needs. */
  static void assumeCanPlayCaptures() {
    assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
        "playing a capture with sipp needs root");
  }

  /** What one sipp run left: its exit status (0 when every call succeeded), errors and message trace. */
  record Result(int exitCode, String errors, String messages) {
    boolean succeeded() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "sipp exited " + exitCode + "\n--- errors ---\n" + errors + "\n--- messages ---\n" + messages;
    }
  }

  /** Runs one call of {@code scenario} (named {@code name}) over UDP or, with {@code tcp}, TCP. */
  Result call(String name, String scenario, String recorderAddress, boolean tcp)
      throws IOException, InterruptedException {
    Path xml = Files.writeString(dir.resolve(name + ".xml"), scenario);
    Path errors = dir.resolve(name + "-errors.log");
    Path messages = dir.resolve(name + "-messages.log");
    Path output = dir.resolve(name + "-output.log");
    List<String> command = new ArrayList<>(List.of("sipp", "-sf", xml.toString(), "-m", "1", "-nostdin",
        "-i", "127.0.0.1", "-p", Integer.toString(RecorderProcess.freePort()),
        "-mp", Integer.toString(RecorderProcess.freePort() & ~1),
        "-timeout", LIMIT.toSeconds() + "s", "-timeout_error",
        "-trace_err", "-error_file", errors.toString(), "-trace_msg", "-message_file", messages.toString()));
    if (tcp) {
      command.addAll(List.of("-t", "t1"));
    }
    command.add(recorderAddress);
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    if (!process.waitFor(LIMIT.toSeconds() + 10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      return new Result(-1, "sipp did not end within " + LIMIT + "\n" + read(output) + read(errors), read(messages));
    }
    return new Result(process.exitValue(), read(errors) + read(output), read(messages));
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
  }
}
