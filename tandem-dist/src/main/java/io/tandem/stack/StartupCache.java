package io.tandem.stack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What a JVM of the stack starts faster from: the classes, links and profiles that an earlier run of the same
 * program loaded. On a JDK that has the ahead-of-time cache ({@value #AOT_CACHE_SINCE} and newer) the first run
 * trains one and writes it when it exits, and every later run maps it; on older JDKs (21 to 24) a dynamic class
 * data sharing archive does the same for the classes alone. A cache is named after the JDK and the class path it
 * was made for (each entry's name, size and time), so a new build or JDK trains a new one and the old one is
 * removed; a cache the JVM cannot use makes it warn and start without. Immutable and thread-safe.
 *
 * @param dir where the caches live
 * @param name what runs from it, such as {@code recorder-main}
 */
record StartupCache(Path dir, String name) {
  /** The first JDK whose JVM trains an AOT cache in one run and writes it at exit (JEP 514). */
  static final int AOT_CACHE_SINCE = 25;

  StartupCache {
    Objects.requireNonNull(dir, "dir");
    if (!name.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("a startup cache's name must be lower-case letters, digits and '-', got '"
          + name + "'");
    }
  }

  /**
   * The JVM options of one start on {@code jdk} with {@code classPath}.
   *
   * @param trains whether this run writes the cache at its exit, which makes that exit take several seconds longer
   */
  record Start(List<String> options, boolean trains) {
  }

  /**
   * A JIT a quarter as eager: a method is compiled after four times the calls and loops the JVM's defaults ask. A
   * start runs a great deal of code a few times each (configuration, TLS, class initialisers), and the compilers
   * took more of a warm start's CPU than the programs themselves; what a recorder runs for every packet and call is
   * compiled within seconds of its first calls all the same.
   */
  static final String LESS_EAGER_JIT = "-XX:CompileThresholdScaling=4";

  /** The JVM options for this process's own JDK and class path. */
  Start forThisJvm() throws IOException {
    return start(Runtime.version(), System.getProperty("java.class.path"));
  }

  Start start(Runtime.Version jdk, String classPath) throws IOException {
    Files.createDirectories(dir);
    if (jdk.feature() < AOT_CACHE_SINCE) {
      // The JVM itself checks that the archive suits this class path and JDK, and writes it anew when not.
      return new Start(List.of(LESS_EAGER_JIT, "-XX:+AutoCreateSharedArchive",
          "-XX:SharedArchiveFile=" + dir.resolve(name + ".jsa"), "-Xlog:cds*=off"), false);
    }
    Path cache = aotCache(jdk, classPath);
    if (complete(cache)) {
      // No -Xlog here: a cache the JVM cannot map is worth its one warning, and it starts without.
      return new Start(List.of(LESS_EAGER_JIT, "-XX:AOTCache=" + cache), false);
    }
    removeOthers(cache);
    List<String> options = new ArrayList<>(List.of(LESS_EAGER_JIT, "-XX:AOTCacheOutput=" + cache,
        // The JDK's notes while training (each class it leaves out of the cache) are not the stack's to print.
        "-Xlog:aot*=off,cds*=off", "-XX:+UnlockDiagnosticVMOptions"));
    if (jdk.feature() > AOT_CACHE_SINCE) {
      // A diagnostic option may be renamed in a later JDK: better a start without it than no start.
      options.add("-XX:+IgnoreUnrecognizedVMOptions");
    }
    // Classes and links only, no method profiles: a start from profiles compiles at once every method the
    // training run made hot, in the whole of its life, and that took 1.5 s of a warm stack start's 10 s of CPU.
    options.add("-XX:-AOTRecordTraining");
    return new Start(List.copyOf(options), true);
  }

  /**
   * Whether the training run wrote the whole cache: the JVM removes its training record only once the cache is
   * written, so a record left behind means an exit cut short (a kill -9) and a cache to train again.
   */
  private static boolean complete(Path cache) throws IOException {
    return Files.isRegularFile(cache) && Files.size(cache) > 0 && !Files.exists(trainingRecord(cache));
  }

  /** Where the training run keeps what it recorded until it writes the cache (the JDK's default place). */
  static Path trainingRecord(Path cache) {
    return cache.resolveSibling(cache.getFileName() + ".config");
  }

  /** The cache file for {@code jdk} and {@code classPath}: it changes with either. */
  Path aotCache(Runtime.Version jdk, String classPath) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    digest.update(jdk.toString().getBytes(StandardCharsets.UTF_8));
    for (String entry : classPath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      String stamp = entry;
      if (Files.exists(path)) {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        stamp += " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis();
      }
      digest.update((stamp + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return dir.resolve(name + "-" + HexFormat.of().formatHex(digest.digest(), 0, 8) + ".aot");
  }

  /** Removes this name's caches made for another JDK or build, and its archive of older JDKs. */
  private void removeOthers(Path keep) throws IOException {
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, name + "-*.aot*")) {
      files.forEach(stale::add);
    }
    stale.add(dir.resolve(name + ".jsa"));
    for (Path file : stale) {
      String rest = file.getFileName().toString().substring(name.length());
      // Only this name's own files: "recorder-main" must not take "recorder-main-x"'s caches for its own.
      if (!file.equals(keep) && rest.matches("(-[0-9a-f]{16}\\.aot.*|\\.jsa)")) {
        Files.deleteIfExists(file);
      }
    }
  }
}
