package io.tandem.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * The real programs that some tests need beside the project's own (sipp as a second SIPREC client, ...). A
 * test that needs one that is missing fails and names it: a suite must not pass by not running. The only way
 * to skip is to ask, with {@code ./tandem test --skip-peers sipp} (system property {@code tandem.skipPeers}),
 * and the run's summary then counts the skipped tests. Stateless.
 */
final class RealPeers {
  static final String SKIP_PROPERTY = "tandem.skipPeers";

  private RealPeers() {}

  /** Fails the calling test unless {@code program} is on the PATH, or skips it when the run asked to skip it. */
  static void requireOnPath(String peer, String program, String debianPackage) {
    require(peer, onPath(program), program + " is not on the PATH (Debian package " + debianPackage + ")");
  }

  /** Fails the calling test unless {@code program} (a path) is installed, or skips it when the run asked to skip it. */
  static void requireInstalled(String peer, Path program, String debianPackage) {
    require(peer, Files.isExecutable(program), program + " is not installed (Debian package " + debianPackage + ")");
  }

  /** Fails the calling test unless this process runs as root, which {@code peer} needs here for {@code why}. */
  static void requireRoot(String peer, String why) {
    require(peer, new com.sun.security.auth.module.UnixSystem().getUid() == 0, why + " needs root");
  }

  /**
   * Whether the run asked to skip the tests that need {@code peer}; a test class then sets nothing up for them,
   * and each of its tests reports itself skipped when it calls a {@code require} method.
   */
  static boolean skippedByRequest(String peer) {
    return skipped().contains(peer);
  }

  private static void require(String peer, boolean present, String missing) {
    if (skippedByRequest(peer)) {
      Assumptions.abort("skipped by request: --skip-peers " + peer);
    }
    if (!present) {
      throw new AssertionError(missing + "; this test needs it. Install it, or run the suite with --skip-peers "
          + peer + " to skip every test that needs it (the summary then counts them)");
    }
  }

  private static Set<String> skipped() {
    return Arrays.stream(System.getProperty(SKIP_PROPERTY, "").split(",")).map(String::strip)
        .filter(name -> !name.isEmpty()).collect(Collectors.toSet());
  }

  private static boolean onPath(String program) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
        return true;
      }
    }
    return false;
  }
}
