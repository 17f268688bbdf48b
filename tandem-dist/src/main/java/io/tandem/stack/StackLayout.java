package io.tandem.stack;

import io.tandem.database.DatabaseConfig;
import io.tandem.database.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where everything of a one-machine stack lives under its data directory, and which ports it uses: the Recorder
 * Manager on PORT, the embedded PostgreSQL on PORT+5, and {@code pairCount} pairs of recorders (see
 * {@link StackPair}): the first pair's Main and Backup take their admin APIs on PORT+1 and PORT+2 and their SIP on
 * PORT+3 and PORT+4, each further pair the next four ports from PORT+6 up. The APIs answer HTTPS with the stack's own
 * certificate under {@code tls/} unless {@code plainHttp}, and media are sealed under the key of {@code media.key}.
 * Immutable.
 */
public record StackLayout(Path dataDir, int port, boolean plainHttp, int pairCount) {
  /** The most pairs one machine's stack runs: each recorder is a JVM of its own. */
  public static final int MAX_PAIRS = 20;
  /** RTP ports all the stack's recorders share, in equal ranges below the kernel's ephemeral range. */
  static final int RTP_PORTS = 12_000;
  /** The recorders take SIP from this machine only. */
  static final String SIP_ALLOW = "127.0.0.0/8, ::1";

  public StackLayout {
    dataDir = dataDir.toAbsolutePath().normalize();
    if (pairCount < 1 || pairCount > MAX_PAIRS) {
      throw new IllegalArgumentException("--pairs must be from 1 to " + MAX_PAIRS + ", got " + pairCount);
    }
    int last = lastPortOffset(pairCount);
    if (port < 1024 || port > 65_535 - last) {
      throw new IllegalArgumentException("--port must be from 1024 to " + (65_535 - last) + " (the stack uses PORT to "
          + "PORT+" + last + (pairCount == 1 ? "" : " with " + pairCount + " pairs") + "), got " + port);
    }
  }

  /** One pair, HTTPS with the stack's own certificate. */
  public StackLayout(Path dataDir, int port) {
    this(dataDir, port, false, 1);
  }

  /** One pair. */
  public StackLayout(Path dataDir, int port, boolean plainHttp) {
    this(dataDir, port, plainHttp, 1);
  }

  /** The highest port of the stack above PORT: PostgreSQL's PORT+5 for one pair, the last pair's SIP for more. */
  static int lastPortOffset(int pairCount) {
    return pairCount == 1 ? 5 : 4 * pairCount + 1;
  }

  /** Every pair of the stack, the first first. */
  public List<StackPair> pairs() {
    List<StackPair> pairs = new ArrayList<>(pairCount);
    for (int number = 1; number <= pairCount; number++) {
      pairs.add(new StackPair(this, number));
    }
    return pairs;
  }

  /** The pair of {@code number}, from 1. */
  public StackPair pair(int number) {
    return new StackPair(this, number);
  }

  /** RTP ports each recorder gets: all of them share {@link #RTP_PORTS} in equal, even-sized ranges. */
  int rtpPortsPerRecorder() {
    return RTP_PORTS / (2 * pairCount) & ~1;
  }

  /**
   * The first RTP port of the first pair's Main; every other recorder's range follows it. All stay below the kernel's
   * ephemeral range (32768 and up), so that no outgoing socket takes an RTP port, and clear of the stack's ports.
   */
  int rtpBase() {
    int preferred = 20_000;
    boolean overlaps = port + lastPortOffset(pairCount) >= preferred && port < preferred + RTP_PORTS;
    return overlaps ? 2_000 : preferred;
  }

  public Path postgresDir() {
    return dataDir.resolve("postgres");
  }

  public Path archiveDir() {
    return dataDir.resolve("archive");
  }

  public int postgresPort() {
    return port + 5;
  }

  public String managerUrl() {
    return scheme() + "://127.0.0.1:" + port;
  }

  public String scheme() {
    return plainHttp ? "http" : "https";
  }

  /** Where the stack keeps its certificate and key, as PEM files. */
  public Path tlsDir() {
    return dataDir.resolve("tls");
  }

  /** The stack's self-signed certificate in PEM: what clients trust ({@code --ca}, {@code curl --cacert}). */
  public Path certificate() {
    return tlsDir().resolve("ca.pem");
  }

  /** The certificate's private key, PKCS#8 PEM, 0600. */
  public Path certificateKey() {
    return tlsDir().resolve("tandem.key");
  }

  /** The media master key file, made at the first start, 0600. */
  public Path mediaKeyFile() {
    return dataDir.resolve("media.key");
  }

  /** The secret the Manager and the recorders share, made at the first start, 0600. */
  public Path managerSecretFile() {
    return dataDir.resolve("manager.secret");
  }

  /**
   * How a tool reaches the stack's call database: as the application role with its password once the stack has
   * made them (as the passwordless superuser of a stack from before that).
   */
  public DatabaseConfig databaseConfig(int poolSize) {
    DatabasePasswords passwords = DatabasePasswords.readIfPresent(databaseSecretsFile());
    return passwords == null ? new DatabaseConfig(EmbeddedDatabase.jdbcUrl(postgresPort()), "postgres", "", poolSize)
        : new DatabaseConfig(EmbeddedDatabase.jdbcUrl(postgresPort(), DatabasePasswords.APPLICATION_ROLE),
            DatabasePasswords.APPLICATION_ROLE, passwords.application(), poolSize);
  }

  /** The call database's passwords, the superuser's and the application role's (0600). */
  public Path databaseSecretsFile() {
    return dataDir.resolve("database.secrets");
  }
}
