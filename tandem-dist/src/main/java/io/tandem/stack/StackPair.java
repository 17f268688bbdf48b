package io.tandem.stack;

import io.tandem.call.Position;
import io.tandem.config.PrivateFiles;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * One pair of a one-machine stack, numbered from 1: its name ({@code pair-N}), its recorders' serials (100001 and
 * 100002 for the first pair, the next two for each further one), data directories ({@code DIR/main} and
 * {@code DIR/backup} for the first pair, {@code DIR/pair-N/main} and {@code DIR/pair-N/backup} for the others, so a
 * data directory of a one-pair stack resumes as the first pair of more), ports and RTP ranges. Immutable.
 */
public record StackPair(StackLayout layout, int number) {
  static final int FIRST_SERIAL = 100_001;

  public StackPair {
    if (number < 1 || number > layout.pairCount()) {
      throw new IllegalArgumentException("a pair's number must be from 1 to " + layout.pairCount() + ", got " + number);
    }
  }

  public String name() {
    return "pair-" + number;
  }

  public int serial(Position position) {
    return FIRST_SERIAL + 2 * (number - 1) + (position == Position.MAIN ? 0 : 1);
  }

  public Path recorderDir(Position position) {
    Path home = number == 1 ? layout.dataDir() : layout.dataDir().resolve(name());
    return home.resolve(position == Position.MAIN ? "main" : "backup");
  }

  public Path logFile(Position position) {
    return recorderDir(position).resolve("recorder.log");
  }

  public int adminPort(Position position) {
    return firstPort() + (position == Position.MAIN ? 0 : 1);
  }

  public int sipPort(Position position) {
    return firstPort() + (position == Position.MAIN ? 2 : 3);
  }

  public String adminUrl(Position position) {
    return layout.scheme() + "://127.0.0.1:" + adminPort(position);
  }

  /** PORT+1 for the first pair; PostgreSQL keeps PORT+5, so the second pair starts at PORT+6. */
  private int firstPort() {
    return layout.port() + (number == 1 ? 1 : 4 * number - 2);
  }

  /** The first RTP port of the recorder: every recorder of the stack has a range of its own, in pair order. */
  int rtpMin(Position position) {
    int index = 2 * (number - 1) + (position == Position.MAIN ? 0 : 1);
    return layout.rtpBase() + index * layout.rtpPortsPerRecorder();
  }

  int rtpMax(Position position) {
    return rtpMin(position) + layout.rtpPortsPerRecorder() - 1;
  }

  /**
   * Where a recorder child keeps what it starts faster from (see {@link StartupCache}): trained by its first run,
   * written when it exits, used by every later start (several seconds saved on two shared cores), and trained anew
   * when the build or the JDK changes. Each recorder has its own, so no two processes write one file at exit.
   */
  StartupCache startupCache(Position position) {
    String recorder = "recorder-" + position.name().toLowerCase(Locale.ROOT);
    return new StartupCache(layout.dataDir().resolve("startup"), number == 1 ? recorder : name() + "-" + recorder);
  }

  /** Writes the recorder's config file afresh; the serial, pair and data directory never change. */
  public Path writeRecorderConfig(Position position, String databaseUrl) throws IOException {
    Path dir = recorderDir(position);
    PrivateFiles.createFolders(dir);
    Properties config = new Properties();
    config.setProperty("recorder.serial", Integer.toString(serial(position)));
    config.setProperty("recorder.pair", name());
    config.setProperty("recorder.position", position.name());
    config.setProperty("recorder.dataDir", dir.toString());
    config.setProperty("sip.port", Integer.toString(sipPort(position)));
    // The stack's SBC is the call simulator on this machine: SIP from anywhere else is refused.
    config.setProperty("sip.allow", StackLayout.SIP_ALLOW);
    config.setProperty("admin.port", Integer.toString(adminPort(position)));
    config.setProperty("rtp.portMin", Integer.toString(rtpMin(position)));
    config.setProperty("rtp.portMax", Integer.toString(rtpMax(position)));
    config.setProperty("database.url", databaseUrl);
    DatabasePasswords passwords = DatabasePasswords.readIfPresent(layout.databaseSecretsFile());
    config.setProperty("database.user", DatabasePasswords.APPLICATION_ROLE);
    if (passwords != null) {
      config.setProperty("database.password", passwords.application());
    }
    if (Files.isRegularFile(layout.managerSecretFile())) {
      config.setProperty("manager.secret", Files.readString(layout.managerSecretFile()).strip());
    }
    if (Files.isRegularFile(layout.mediaKeyFile())) {
      config.setProperty("media.keyFile", layout.mediaKeyFile().toString());
    }
    if (!layout.plainHttp() && Files.isRegularFile(layout.certificateKey())) {
      config.setProperty("admin.tls.certificate", layout.certificate().toString());
      config.setProperty("admin.tls.key", layout.certificateKey().toString());
    }
    Path file = dir.resolve("recorder.properties");
    try (Writer writer = PrivateFiles.newWriter(file)) {
      config.store(writer, "written by 'tandem up' at every start");
    }
    return file;
  }
}
