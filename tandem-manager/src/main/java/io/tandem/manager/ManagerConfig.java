package io.tandem.manager;

import io.tandem.access.MachineSecret;
import io.tandem.archive.ArchiveMounts;
import io.tandem.archive.S3Targets;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import io.tandem.database.DatabaseConfig;
import io.tandem.database.PoolSettings;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.media.sealed.SealingSettings;
import io.tandem.notification.NotificationSettings;
import io.tandem.tls.TlsIdentity;
import io.tandem.tls.TlsTrust;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a Recorder Manager runs: where it listens, where the call database is, how recorders' health is
 * polled, and where events are pushed. Immutable; validated when built.
 *
 * @param httpPort 0 picks a free port
 * @param healthInterval the scale of the health checks: each recorder checked every quarter of it on its kept-open
 *     connection of beats, and a reconnection try waiting half of it (see {@code BeatTiming})
 * @param healthMisses the checks without a beat, or refused reconnections in a row, after which a recorder is down
 * @param notifications the notification targets of the config file, the heartbeat interval and the retry cap
 * @param tls the certificate the API answers HTTPS with ({@code manager.tls.*}), or null for plain HTTP
 * @param recorderTrust what recorders' https admin APIs are trusted by ({@code recorders.tls.trust}), or null
 *     for the JDK's default authorities
 * @param mediaKeys the media keys that open sealed archived copies for replay ({@code media.keyFile})
 * @param managerSecret the secret shared with the recorders' config files ({@code manager.secret}), sent with every
 *     request to a recorder; null sends none, and recorders then take no order from this Manager
 * @param archiveMounts where this Manager sees archive folders it does not see under their own path
 *     ({@code archive.mount.NAME.target} and {@code .seenAt}); null for none
 * @param s3Targets the S3 targets archived copies are read from ({@code archive.s3.NAME.*}, named as the recorders
 *     name them); null for none
 * @param healthStartupGrace how long a recorder not yet seen since this Manager's watch of it started is not declared
 *     failed by refused connections ({@code health.startupGrace}); null for the default
 * @param leaderLease the RRC lease ({@code leader.lease}): a standby takes over after the acting Manager's lease went
 *     unrenewed this long, and the acting one stops acting two thirds of it after its last renewal; null for the
 *     default
 * @param publicUrl the URL other Managers and tools are told this Manager answers on ({@code manager.publicUrl});
 *     null for the scheme, host and port it listens on
 * @param databasePool the call database's pool size and statement timeout ({@code database.poolSize},
 *     {@code database.statementTimeout}); null for 8 connections and 5 minutes
 * @param callRetention the months of the call database made ahead, and how long calls are kept
 *     ({@code database.monthsAhead}, {@code database.retention}); null for three months and every call kept
 */
public record ManagerConfig(String bindHost, int httpPort, String databaseUrl, String databaseUser,
    String databasePassword, Duration healthInterval, int healthMisses, NotificationSettings notifications,
    TlsIdentity tls, SSLContext recorderTrust, MediaKeys mediaKeys, String managerSecret, ArchiveMounts archiveMounts,
    S3Targets s3Targets, Duration healthStartupGrace, Duration leaderLease, String publicUrl,
    PoolSettings databasePool, CallRetention callRetention) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_HEALTH_MISSES = 3;
  /** Long enough for a recorder JVM on a loaded host to open its admin API after a warm start. */
  public static final Duration DEFAULT_STARTUP_GRACE = Duration.ofSeconds(30);
  /** A takeover within about 3.5 s of the acting Manager's death; a paused or cut-off one stops after 2 s. */
  public static final Duration DEFAULT_LEADER_LEASE = Duration.ofSeconds(3);
  /** Below this, the renewals of a loaded host would miss their time and the leadership flap. */
  private static final Duration SHORTEST_LEASE = Duration.ofMillis(300);
  /** The console, the API, the RRC and the passes beside each other. */
  public static final int DEFAULT_POOL_SIZE = 8;

  public ManagerConfig {
    Objects.requireNonNull(bindHost, "bindHost");
    if (httpPort < 0 || httpPort > 65_535) {
      throw new ConfigException("httpPort must be 0..65535, got " + httpPort);
    }
    Objects.requireNonNull(databaseUrl, "databaseUrl");
    Objects.requireNonNull(databaseUser, "databaseUser");
    databasePassword = databasePassword == null ? "" : databasePassword;
    Objects.requireNonNull(healthInterval, "healthInterval");
    if (healthInterval.toMillis() < 10) {
      throw new ConfigException("healthInterval must be at least 10ms, got " + healthInterval);
    }
    if (healthMisses < 1) {
      throw new ConfigException("healthMisses must be >= 1, got " + healthMisses);
    }
    Objects.requireNonNull(notifications, "notifications");
    mediaKeys = mediaKeys == null ? MediaKeys.none() : mediaKeys;
    if (managerSecret != null) {
      MachineSecret.check("manager.secret", managerSecret);
    }
    archiveMounts = archiveMounts == null ? ArchiveMounts.none() : archiveMounts;
    s3Targets = s3Targets == null ? S3Targets.none() : s3Targets;
    healthStartupGrace = healthStartupGrace == null ? DEFAULT_STARTUP_GRACE : healthStartupGrace;
    if (healthStartupGrace.isNegative()) {
      throw new ConfigException("health.startupGrace must be 0 or more, got " + healthStartupGrace);
    }
    leaderLease = leaderLease == null ? DEFAULT_LEADER_LEASE : leaderLease;
    if (leaderLease.compareTo(SHORTEST_LEASE) < 0) {
      throw new ConfigException("leader.lease must be at least 300ms, got " + leaderLease);
    }
    if (publicUrl != null && !publicUrl.matches("https?://[^/\\s]+/?")) {
      throw new ConfigException("manager.publicUrl must be http(s)://HOST:PORT, got '" + publicUrl + "'");
    }
    publicUrl = publicUrl == null ? null : publicUrl.replaceAll("/$", "");
    databasePool = databasePool == null ? PoolSettings.defaults(DEFAULT_POOL_SIZE) : databasePool;
    callRetention = callRetention == null ? CallRetention.defaults() : callRetention;
  }

  /** No S3 target, the default lease and public URL. */
  public ManagerConfig(String bindHost, int httpPort, String databaseUrl, String databaseUser,
      String databasePassword, Duration healthInterval, int healthMisses, NotificationSettings notifications,
      TlsIdentity tls, SSLContext recorderTrust, MediaKeys mediaKeys, String managerSecret,
      ArchiveMounts archiveMounts, Duration healthStartupGrace) {
    this(bindHost, httpPort, databaseUrl, databaseUser, databasePassword, healthInterval, healthMisses, notifications,
        tls, recorderTrust, mediaKeys, managerSecret, archiveMounts, S3Targets.none(), healthStartupGrace, null, null,
        null, null);
  }

  /** The default start-up grace, lease and public URL. */
  public ManagerConfig(String bindHost, int httpPort, String databaseUrl, String databaseUser,
      String databasePassword, Duration healthInterval, int healthMisses, NotificationSettings notifications,
      TlsIdentity tls, SSLContext recorderTrust, MediaKeys mediaKeys, String managerSecret,
      ArchiveMounts archiveMounts, S3Targets s3Targets) {
    this(bindHost, httpPort, databaseUrl, databaseUser, databasePassword, healthInterval, healthMisses, notifications,
        tls, recorderTrust, mediaKeys, managerSecret, archiveMounts, s3Targets, null, null, null, null, null);
  }

  /** No S3 target, the default start-up grace, lease and public URL. */
  public ManagerConfig(String bindHost, int httpPort, String databaseUrl, String databaseUser,
      String databasePassword, Duration healthInterval, int healthMisses, NotificationSettings notifications,
      TlsIdentity tls, SSLContext recorderTrust, MediaKeys mediaKeys, String managerSecret,
      ArchiveMounts archiveMounts) {
    this(bindHost, httpPort, databaseUrl, databaseUser, databasePassword, healthInterval, healthMisses, notifications,
        tls, recorderTrust, mediaKeys, managerSecret, archiveMounts, S3Targets.none(), null, null, null, null,
        null);
  }

  /** Every archive folder seen under its own path. */
  public ManagerConfig(String bindHost, int httpPort, String databaseUrl, String databaseUser,
      String databasePassword, Duration healthInterval, int healthMisses, NotificationSettings notifications,
      TlsIdentity tls, SSLContext recorderTrust, MediaKeys mediaKeys, String managerSecret) {
    this(bindHost, httpPort, databaseUrl, databaseUser, databasePassword, healthInterval, healthMisses, notifications,
        tls, recorderTrust, mediaKeys, managerSecret, ArchiveMounts.none());
  }

  /** Plain HTTP, the JDK's trust, no media key. */
  public ManagerConfig(String bindHost, int httpPort, String databaseUrl, String databaseUser,
      String databasePassword, Duration healthInterval, int healthMisses, NotificationSettings notifications) {
    this(bindHost, httpPort, databaseUrl, databaseUser, databasePassword, healthInterval, healthMisses, notifications,
        null, null, MediaKeys.none(), null);
  }

  /** No notification target, and the default heartbeat interval and retry cap. */
  public ManagerConfig(String bindHost, int httpPort, String databaseUrl, String databaseUser,
      String databasePassword, Duration healthInterval, int healthMisses) {
    this(bindHost, httpPort, databaseUrl, databaseUser, databasePassword, healthInterval, healthMisses,
        NotificationSettings.defaults());
  }

  /**
   * Reads {@code manager.*}, {@code database.*}, {@code health.*}, {@code notify.*}, the TLS and media keys and
   * {@code archive.mount.*} and {@code archive.s3.*}; refuses any other key.
   */
  public static ManagerConfig from(ConfigFile file) {
    ManagerConfig config = new ManagerConfig(
        file.string("manager.host", DEFAULT_HOST),
        file.integer("manager.port", DEFAULT_PORT, 0, 65_535),
        file.string("database.url"),
        file.string("database.user", "postgres"),
        file.string("database.password", ""),
        file.duration("health.interval", DEFAULT_HEALTH_INTERVAL),
        file.integer("health.misses", DEFAULT_HEALTH_MISSES, 1, 1000),
        NotificationSettings.from(file),
        TlsIdentity.from(file, "manager.tls"),
        trust(file.string("recorders.tls.trust", null)),
        SealingSettings.keys(file),
        MachineSecret.required(file, "manager.secret"),
        ArchiveMounts.from(file),
        S3Targets.from(file),
        file.duration("health.startupGrace", DEFAULT_STARTUP_GRACE),
        file.duration("leader.lease", DEFAULT_LEADER_LEASE),
        file.string("manager.publicUrl", null),
        PoolSettings.from(file, DEFAULT_POOL_SIZE),
        CallRetention.from(file));
    file.rejectUnknown();
    return config;
  }

  private static SSLContext trust(String pemFile) {
    return pemFile == null ? null : TlsTrust.of(Path.of(pemFile), "recorders.tls.trust");
  }

  /** Where this Manager tells others it answers: {@code publicUrl}, or else its scheme, host and {@code port}. */
  public String publicUrl(int port) {
    return publicUrl != null ? publicUrl : scheme() + "://" + bindHost + ":" + port;
  }

  /** The scheme the API answers with: https with a certificate, http without. */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  public DatabaseConfig databaseConfig() {
    try {
      return databasePool.databaseConfig(databaseUrl, databaseUser, databasePassword);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("database.url: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "ManagerConfig[bindHost=" + bindHost + ", httpPort=" + httpPort + ", databaseUrl=" + databaseUrl
        + ", databaseUser=" + databaseUser + ", healthInterval=" + healthInterval + ", healthMisses=" + healthMisses
        + ", notifications=" + notifications + ", tls=" + (tls != null) + ", mediaKeys=" + mediaKeys.ids()
        + ", archiveMounts=" + archiveMounts + ", s3Targets=" + s3Targets + ", healthStartupGrace="
        + healthStartupGrace + ", leaderLease=" + leaderLease + ", publicUrl=" + publicUrl + ", databasePool="
        + databasePool + ", callRetention=" + callRetention + "]";
  }
}
