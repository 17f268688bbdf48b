package io.tandem.it;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the tests' servers listen. The integration classes run in several JVMs at once ({@code it.forks}, each
 * told its number by the build as {@code tandem.it.fork}); a port one JVM checked free and handed to a process
 * that binds it seconds later must not be handed out by another JVM meanwhile. So the ports from 50000 to 64999,
 * above every RTP range a test gives its recorders, are cut in blocks of 16, and each JVM takes only its own
 * blocks, in turn. Several runs of the suite at once on one machine ({@code bench/suite-twice.sh}) are told
 * {@code tandem.it.runs} and their own {@code tandem.it.run}, and share the blocks out the same way.
 */
final class TestPorts {
  private static final int BLOCK = 16;
  private static final int LAST = 65_535;
  private static final int FIRST = firstAboveEphemeral();
  private static final int FORKS = Math.max(1, Integer.getInteger("tandem.it.forks", 1));
  private static final int RUNS = Math.max(1, Integer.getInteger("tandem.it.runs", 1));
  /** Which share of the blocks is this JVM's: one for each fork of each run. */
  private static final int SHARES = FORKS * RUNS;
  private static final int SHARE = Math.floorMod(Integer.getInteger("tandem.it.run", 1) - 1, RUNS) * FORKS
      + Math.floorMod(forkNumber() - 1, FORKS);

  private TestPorts() {
  }

  /**
   * This JVM's number among the build's forks, from {@code tandem.it.fork} ({@code fork-N}). With more than one fork
   * a JVM that cannot tell its number must not guess: two JVMs that both took the first share handed the same ports
   * to their recorders, and a recorder found its admin port held by another's SIP.
   */
  private static int forkNumber() {
    String told = System.getProperty("tandem.it.fork", "");
    String digits = told.replaceAll("[^0-9]", "");
    if (!digits.isEmpty()) {
      return Integer.parseInt(digits);
    }
    if (FORKS > 1) {
      throw new IllegalStateException("tandem.it.fork is \"" + told + "\": each of the " + FORKS
          + " test JVMs must be told its number (fork-N), or two of them hand out the same ports");
    }
    return 1;
  }

  /** The first block above the ephemeral range; 50000 when the range leaves fewer than 2048 ports above it. */
  private static int firstAboveEphemeral() {
    int upper = 60_999;
    try {
      String[] range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
          .trim().split("\\s+");
      upper = Integer.parseInt(range[1]);
    } catch (java.io.IOException | RuntimeException e) {
      // Not Linux, or not readable: the default range.
    }
    int first = (upper / BLOCK + 1) * BLOCK;
    return LAST - first + 1 >= 2048 ? first : 50_000;
  }

  /** A port of this JVM's blocks, a multiple of {@code alignment} (a power of two up to 16), not checked yet. */
  static int candidate(int alignment) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int blocksEach = (LAST - FIRST + 1) / BLOCK / SHARES;
    int block = random.nextInt(blocksEach) * SHARES + SHARE;
    return FIRST + block * BLOCK + random.nextInt(BLOCK / alignment) * alignment;
  }
}
