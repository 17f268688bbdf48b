package io.tandem.stack;

import io.tandem.call.Position;
import io.tandem.config.PrivateFiles;
import io.tandem.database.DatabaseConfig;
import io.tandem.database.EmbeddedDatabase;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where everything of a one-machine stack lives under its data directory, and which ports it uses:
 * the Recorder Manager on PORT, the Main's and the Backup's admin APIs on PORT+1 and PORT+2, their SIP on
 * PORT+3 and PORT+4, the embedded PostgreSQL on PORT+5; the APIs answer HTTPS with the stack's own certificate
 * under {@code tls/} unless {@code plainHttp}, and media are sealed under the key of {@code media.key}. Immutable.
 */
public record StackLayout(Path dataDir, int port, boolean plainHttp) {
  public static final int MAIN_SERIAL = 100_001;
  public static final int BACKUP_SERIAL = 100_002;
  public static final String PAIR = "pair-1";
  private static final int RTP_PORTS_PER_RECORDER = 6_000;
  /** The recorders take SIP from this machine only. */
  static final String SIP_ALLOW = "127.0.0.0/8, ::1";

  public StackLayout {
    dataDir = dataDir.toAbsolutePath().normalize();
    if (port < 1024 || port > 65_530) {
      throw new IllegalArgumentException("--port must be from 1024 to 65530 (the stack uses PORT to PORT+5), got "
          + port);
    }
  }

  /** HTTPS with the stack's own certificate. */
  public StackLayout(Path dataDir, int port) {
    this(dataDir, port, false);
  }

  /**
   * The first RTP port of the Main; the Backup's range follows it. Both stay below the kernel's ephemeral
   * range (32768 and up), so that no outgoing socket takes an RTP port, and clear of PORT to PORT+5.
   */
  int rtpBase() {
    int preferred = 20_000;
    boolean overlaps = port + 5 >= preferred && port < preferred + 2 * RTP_PORTS_PER_RECORDER;
    return overlaps ? 2_000 : preferred;
  }

  public Path postgresDir() {
    return dataDir.resolve("postgres");
  }

  public Path archiveDir() {
    return dataDir.resolve("archive");
  }

  public Path recorderDir(Position position) {
    return dataDir.resolve(position == Position.MAIN ? "main" : "backup");
  }

  public int serial(Position position) {
    return position == Position.MAIN ? MAIN_SERIAL : BACKUP_SERIAL;
  }

  public int adminPort(Position position) {
    return port + (position == Position.MAIN ? 1 : 2);
  }

  public int sipPort(Position position) {
    return port + (position == Position.MAIN ? 3 : 4);
  }

  public int postgresPort() {
    return port + 5;
  }

  public String managerUrl() {
    return scheme() + "://127.0.0.1:" + port;
  }

  public String adminUrl(Position position) {
    return scheme() + "://127.0.0.1:" + adminPort(position);
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
   * Where a recorder child keeps what it starts faster from (see {@link StartupCache}): trained by its first run,
   * written when it exits, used by every later start (several seconds saved on two shared cores), and trained anew
   * when the build or the JDK changes.
   */
  StartupCache startupCache(Position position) {
    return new StartupCache(dataDir.resolve("startup"), "recorder-" + position.name().toLowerCase(java.util.Locale.ROOT));
  }

  /** Writes the recorder's config file afresh; the serial, pair and data directory never change. */
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

  public Path writeRecorderConfig(Position position, String databaseUrl) throws IOException {
    Path dir = recorderDir(position);
    PrivateFiles.createFolders(dir);
    Properties config = new Properties();
    config.setProperty("recorder.serial", Integer.toString(serial(position)));
    config.setProperty("recorder.pair", PAIR);
    config.setProperty("recorder.position", position.name());
    config.setProperty("recorder.dataDir", dir.toString());
    config.setProperty("sip.port", Integer.toString(sipPort(position)));
    // The stack's SBC is the call simulator on this machine: SIP from anywhere else is refused.
    config.setProperty("sip.allow", SIP_ALLOW);
    config.setProperty("admin.port", Integer.toString(adminPort(position)));
    int rtpMin = rtpBase() + (position == Position.MAIN ? 0 : RTP_PORTS_PER_RECORDER);
    config.setProperty("rtp.portMin", Integer.toString(rtpMin));
    config.setProperty("rtp.portMax", Integer.toString(rtpMin + RTP_PORTS_PER_RECORDER - 1));
    config.setProperty("database.url", databaseUrl);
    DatabasePasswords passwords = DatabasePasswords.readIfPresent(databaseSecretsFile());
    config.setProperty("database.user", DatabasePasswords.APPLICATION_ROLE);
    if (passwords != null) {
      config.setProperty("database.password", passwords.application());
    }
    if (Files.isRegularFile(managerSecretFile())) {
      config.setProperty("manager.secret", Files.readString(managerSecretFile()).strip());
    }
    if (Files.isRegularFile(mediaKeyFile())) {
      config.setProperty("media.keyFile", mediaKeyFile().toString());
    }
    if (!plainHttp && Files.isRegularFile(certificateKey())) {
      config.setProperty("admin.tls.certificate", certificate().toString());
      config.setProperty("admin.tls.key", certificateKey().toString());
    }
    Path file = dir.resolve("recorder.properties");
    try (Writer writer = PrivateFiles.newWriter(file)) {
      config.store(writer, "written by 'tandem up' at every start");
    }
    return file;
  }

}
