package io.tandem.recorder;

import io.tandem.access.MachineSecret;
import io.tandem.archive.S3Targets;
import io.tandem.call.Position;
import io.tandem.call.Serial;
import io.tandem.callbuffer.DiskFloor;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.ReceiveMode;
import io.tandem.capture.sip.AllowList;
import io.tandem.capture.sip.SipAccess;
import io.tandem.capture.sip.SipLimits;
import io.tandem.capture.sip.SipTls;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import io.tandem.database.DatabaseConfig;
import io.tandem.database.PoolSettings;
import io.tandem.media.sealed.SealingSettings;
import io.tandem.tls.TlsIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Everything one recorder process needs, validated when built: a bad value fails with its key's name
 * and is never clamped. Immutable.
 *
 * @param contingencySerial the serial INUMs move to when the sequence of {@code serial} runs out, or null
 * @param flushInterval how often received audio is written to the WAV files; a packet reaches the disk at most
 *     the jitter delay plus this after it arrives, and longer intervals make fewer, larger writes
 * @param mediaTimeout a call whose media has been silent this long is ended as if by its BYE
 * @param diskFloor the free space of the data directory's filesystem below which the recorder takes no new call
 * @param gapGrace how long after its end a call of the secondary must be in the call database before the gap
 *     audit counts it missing
 * @param mediaDecoder the ffmpeg program that decodes codecs other than G.711 (a path, or a name on the PATH);
 *     empty for none, which keeps those payloads raw
 * @param sipAccess the SBC allow-list (given explicitly in every config file), the SIP limits, and SIP over TLS
 * @param rtpSourceTakeover how long a stream must be silent before a new source may take it; zero for never
 * @param sealing whether new media files are sealed at rest, and the master keys sealed ones are read with
 * @param adminTls the certificate the admin API answers HTTPS with, or null for plain HTTP
 * @param rtpReceive how RTP sockets are read: in batches, one datagram per receive, or as a check at start picks
 * @param managerSecret the secret the Recorder Manager proves itself with (shared with its config file); only a
 *     request carrying it may give role and promotion orders. Null takes orders from nobody
 * @param s3Targets the S3 targets archive rules may name ({@code archive.s3.NAME.*})
 * @param databasePool the call database's pool size and statement timeout ({@code database.poolSize},
 *     {@code database.statementTimeout}); null for 4 connections and 5 minutes
 */
public record RecorderConfig(
    int serial,
    Integer contingencySerial,
    String pair,
    Position position,
    Path dataDir,
    ZoneId timeZone,
    String sipHost,
    int sipPort,
    String adminHost,
    int adminPort,
    int rtpPortMin,
    int rtpPortMax,
    int rtpThreads,
    Duration jitterDelay,
    Duration flushInterval,
    Duration mediaTimeout,
    Duration retention,
    long capacityBytes,
    DiskFloor diskFloor,
    Duration gapGrace,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String mediaDecoder,
    SipAccess sipAccess,
    Duration rtpSourceTakeover,
    SealingSettings sealing,
    TlsIdentity adminTls,
    ReceiveMode rtpReceive, String managerSecret, S3Targets s3Targets, PoolSettings databasePool) {

  /** Marking, its second half, the gap audit, the archive ledger and registration beside each other. */
  public static final int DEFAULT_POOL_SIZE = 4;

  private static final Duration MIN_FLUSH_INTERVAL = Duration.ofMillis(10);
  private static final Duration MAX_FLUSH_INTERVAL = Duration.ofSeconds(10);

  public RecorderConfig {
    Serial.check(serial);
    if (contingencySerial != null) {
      Serial.check(contingencySerial);
      if (contingencySerial == serial) {
        throw new ConfigException("'recorder.contingencySerial' must differ from 'recorder.serial' (" + serial + ")");
      }
    }
    Objects.requireNonNull(pair, "pair");
    if (!pair.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new ConfigException("'recorder.pair' must be 1 to 64 letters, digits, '.', '_' or '-', got '" + pair + "'");
    }
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(dataDir, "dataDir");
    if (rtpPortMin % 2 != 0 || rtpPortMax <= rtpPortMin) {
      throw new ConfigException("'rtp.portMin' must be even and below 'rtp.portMax', got " + rtpPortMin + ".."
          + rtpPortMax);
    }
    if (sipPort != 0 && sipPort >= rtpPortMin && sipPort <= rtpPortMax) {
      throw new ConfigException("'sip.port' " + sipPort + " lies inside the RTP range " + rtpPortMin + ".." + rtpPortMax);
    }
    Objects.requireNonNull(flushInterval, "flushInterval");
    if (flushInterval.compareTo(MIN_FLUSH_INTERVAL) < 0 || flushInterval.compareTo(MAX_FLUSH_INTERVAL) > 0) {
      throw new ConfigException("'media.flushInterval' must be a duration from 10ms to 10s, got "
          + flushInterval.toMillis() + "ms");
    }
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new ConfigException("'buffer.retention' must be a positive duration such as 30d, got " + retention);
    }
    Objects.requireNonNull(diskFloor, "diskFloor");
    Objects.requireNonNull(gapGrace, "gapGrace");
    if (gapGrace.isNegative() || gapGrace.isZero()) {
      throw new ConfigException("'gap.grace' must be a positive duration such as 60s, got " + gapGrace);
    }
    mediaDecoder = mediaDecoder == null ? "" : mediaDecoder.strip();
    Objects.requireNonNull(sipAccess, "sipAccess");
    if (sipAccess.tls() != null) {
      int tlsPort = sipAccess.tls().port();
      if (tlsPort == sipPort) {
        throw new ConfigException("'sip.tls.port' must differ from 'sip.port' (" + sipPort + ")");
      }
      if (tlsPort >= rtpPortMin && tlsPort <= rtpPortMax) {
        throw new ConfigException("'sip.tls.port' " + tlsPort + " lies inside the RTP range " + rtpPortMin + ".."
            + rtpPortMax);
      }
    }
    Objects.requireNonNull(rtpSourceTakeover, "rtpSourceTakeover");
    if (rtpSourceTakeover.isNegative() || rtpSourceTakeover.compareTo(Duration.ofHours(1)) > 0) {
      throw new ConfigException("'rtp.sourceTakeover' must be a duration from 0s (never) to 1h, got "
          + rtpSourceTakeover.toMillis() + "ms");
    }
    sealing = sealing == null ? SealingSettings.off() : sealing;
    s3Targets = s3Targets == null ? S3Targets.none() : s3Targets;
    rtpReceive = rtpReceive == null ? ReceiveMode.AUTO : rtpReceive;
    if (managerSecret != null) {
      MachineSecret.check("manager.secret", managerSecret);
    }
    Objects.requireNonNull(databaseUrl, "databaseUrl");
    if (!databaseUrl.startsWith("jdbc:postgresql:")) {
      throw new ConfigException("'database.url' must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got '"
          + databaseUrl + "'");
    }
    databasePool = databasePool == null ? PoolSettings.defaults(DEFAULT_POOL_SIZE) : databasePool;
  }

  /** A recorder that takes SIP from loopback only, within the default limits, without TLS, streams latched for good. */
  public RecorderConfig(int serial, Integer contingencySerial, String pair, Position position, Path dataDir,
      ZoneId timeZone, String sipHost, int sipPort, String adminHost, int adminPort, int rtpPortMin, int rtpPortMax,
      int rtpThreads, Duration jitterDelay, Duration flushInterval, Duration mediaTimeout, Duration retention,
      long capacityBytes, DiskFloor diskFloor, Duration gapGrace, String databaseUrl, String databaseUser,
      String databasePassword, String mediaDecoder) {
    this(serial, contingencySerial, pair, position, dataDir, timeZone, sipHost, sipPort, adminHost, adminPort,
        rtpPortMin, rtpPortMax, rtpThreads, jitterDelay, flushInterval, mediaTimeout, retention, capacityBytes,
        diskFloor, gapGrace, databaseUrl, databaseUser, databasePassword, mediaDecoder, SipAccess.loopback(),
        CaptureSettings.NO_TAKEOVER, SealingSettings.off(), null, ReceiveMode.AUTO, null, S3Targets.none(), null);
  }

  /** This config with {@code secret} as the Recorder Manager's secret. */
  public RecorderConfig withManagerSecret(String secret) {
    return new RecorderConfig(serial, contingencySerial, pair, position, dataDir, timeZone, sipHost, sipPort, adminHost,
        adminPort, rtpPortMin, rtpPortMax, rtpThreads, jitterDelay, flushInterval, mediaTimeout, retention,
        capacityBytes, diskFloor, gapGrace, databaseUrl, databaseUser, databasePassword, mediaDecoder, sipAccess,
        rtpSourceTakeover, sealing, adminTls, rtpReceive, secret, s3Targets, databasePool);
  }

  /** This config with {@code targets} as the S3 targets archive rules may name. */
  public RecorderConfig withS3Targets(S3Targets targets) {
    return new RecorderConfig(serial, contingencySerial, pair, position, dataDir, timeZone, sipHost, sipPort, adminHost,
        adminPort, rtpPortMin, rtpPortMax, rtpThreads, jitterDelay, flushInterval, mediaTimeout, retention,
        capacityBytes, diskFloor, gapGrace, databaseUrl, databaseUser, databasePassword, mediaDecoder, sipAccess,
        rtpSourceTakeover, sealing, adminTls, rtpReceive, managerSecret, targets, databasePool);
  }

  public static RecorderConfig from(ConfigFile file) {
    String contingency = file.string("recorder.contingencySerial", null);
    RecorderConfig config = new RecorderConfig(
        serial("recorder.serial", file.string("recorder.serial")),
        contingency == null ? null : serial("recorder.contingencySerial", contingency),
        file.string("recorder.pair"),
        file.enumValue("recorder.position", Position.class),
        file.path("recorder.dataDir"),
        file.zone("recorder.timeZone", ZoneId.of("UTC")),
        file.string("sip.host", "127.0.0.1"),
        file.integer("sip.port", 1, 65535),
        file.string("admin.host", "127.0.0.1"),
        file.integer("admin.port", 0, 65535),
        file.integer("rtp.portMin", 20000, 1024, 65534),
        file.integer("rtp.portMax", 29999, 1025, 65535),
        file.integer("rtp.threads", 1, 1, 64),
        file.duration("rtp.jitterDelay", Duration.ofMillis(200)),
        file.duration("media.flushInterval", CaptureSettings.DEFAULT_FLUSH_INTERVAL),
        file.duration("media.timeout", Duration.ofSeconds(60)),
        file.duration("buffer.retention", Duration.ofDays(30)),
        file.longValue("buffer.capacityBytes", 100L << 30, 1L << 20, Long.MAX_VALUE),
        DiskFloor.parse("disk.floor", file.string("disk.floor", null)),
        file.duration("gap.grace", Duration.ofSeconds(60)),
        file.string("database.url"),
        file.string("database.user", "tandem"),
        file.string("database.password", ""),
        file.string("media.decoder", "ffmpeg"),
        sipAccess(file),
        file.duration("rtp.sourceTakeover", CaptureSettings.NO_TAKEOVER),
        SealingSettings.from(file),
        TlsIdentity.from(file, "admin.tls"),
        rtpReceive(file), MachineSecret.required(file, "manager.secret"), S3Targets.from(file),
        PoolSettings.from(file, DEFAULT_POOL_SIZE));
    file.rejectUnknown();
    return config;
  }

  private static ReceiveMode rtpReceive(ConfigFile file) {
    String value = file.string("rtp.receive", "auto");
    for (ReceiveMode mode : ReceiveMode.values()) {
      if (mode.name().equalsIgnoreCase(value.strip())) {
        return mode;
      }
    }
    throw new ConfigException("'rtp.receive' must be batch, plain or auto, got '" + value + "'");
  }

  /**
   * The allow-list (required: a recorder on a network must be told which SBCs may send it SIP), the limits, and
   * SIP over TLS when a certificate or keystore is given.
   */
  private static SipAccess sipAccess(ConfigFile file) {
    String allow = file.string("sip.allow", null);
    if (allow == null) {
      throw new ConfigException("'sip.allow' must list the SBC addresses allowed to send SIP to this recorder, such "
          + "as 10.0.0.5, 10.0.1.0/24 (127.0.0.1 for a client on this machine), got nothing");
    }
    AllowList allowed;
    SipLimits limits;
    try {
      allowed = AllowList.parse(allow);
      limits = new SipLimits(file.integer("sip.maxCalls", SipLimits.DEFAULT_MAX_CALLS, 1, 1_000_000),
          file.integer("sip.maxStreamsPerCall", SipLimits.DEFAULT_MAX_STREAMS_PER_CALL, 1, 64),
          file.integer("sip.maxTcpConnections", SipLimits.DEFAULT_MAX_TCP_CONNECTIONS, 1, 100_000),
          file.duration("sip.tcpIdleTimeout", SipLimits.DEFAULT_TCP_IDLE_TIMEOUT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage().startsWith("'") ? e.getMessage() : "'sip.allow' " + e.getMessage());
    }
    String certificate = file.string("sip.tls.certificate", null);
    String key = file.string("sip.tls.key", null);
    String keystore = file.string("sip.tls.keystore", null);
    boolean portGiven = file.string("sip.tls.port", null) != null;
    int tlsPort = file.integer("sip.tls.port", SipTls.DEFAULT_PORT, 1, 65535);
    String password = file.string("sip.tls.keystorePassword", "");
    SipTls tls = certificate == null && key == null && keystore == null && !portGiven ? null
        : new SipTls(tlsPort, path(certificate), path(key), path(keystore), password);
    return new SipAccess(allowed, limits, tls);
  }

  private static Path path(String value) {
    return value == null ? null : Path.of(value);
  }

  private static int serial(String key, String value) {
    try {
      return Serial.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("'" + key + "' " + e.getMessage());
    }
  }

  /** Where the call database is, as this recorder reaches it. */
  public DatabaseConfig databaseConfig() {
    return databasePool.databaseConfig(databaseUrl, databaseUser, databasePassword);
  }

  /** The scheme the admin API answers with: https with a certificate, http without. */
  public String adminScheme() {
    return adminTls == null ? "http" : "https";
  }

  public String sipAddress() {
    return sipHost + ":" + sipPort;
  }
}
