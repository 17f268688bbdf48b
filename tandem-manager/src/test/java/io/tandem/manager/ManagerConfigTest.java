package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import io.tandem.database.PoolSettings;
import io.tandem.notification.NotificationSettings;
import io.tandem.notification.SyslogEndpoint;
import io.tandem.notification.SyslogFacility;
import io.tandem.notification.SyslogTransport;
import io.tandem.notification.TargetSpec;
import io.tandem.notification.WebhookEndpoint;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ManagerConfigTest {
  private static final String SECRET = "a-secret-of-the-manager-and-its-recorders-0123";
  @Test
  void defaultsApplyWhenOnlyTheDatabaseIsGiven() {
    ManagerConfig config = ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1:5432/tandem"));

    assertThat(config.bindHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.healthInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.healthMisses()).isEqualTo(3);
    assertThat(config.healthStartupGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.leaderLease()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.publicUrl(8080)).isEqualTo("http://127.0.0.1:8080");
    assertThat(config.databaseConfig().user()).isEqualTo("postgres");
    assertThat(config.databaseConfig().poolSize()).isEqualTo(8);
    assertThat(config.databaseConfig().statementTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void everyKeyIsRead() {
    ManagerConfig config = ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1:5432/tandem",
        "database.user", "tandem", "database.password", "secret", "manager.host", "127.0.0.2", "manager.port", "18080",
        "health.interval", "250ms", "health.misses", "5", "health.startupGrace", "45s", "leader.lease", "5s",
        "manager.publicUrl", "http://manager-2.example.com:8080/", "database.poolSize", "12",
        "database.statementTimeout", "90s", "database.retention", "2555d", "database.monthsAhead", "6"));

    assertThat(config).isEqualTo(new ManagerConfig("127.0.0.2", 18080, "jdbc:postgresql://127.0.0.1:5432/tandem",
        "tandem", "secret", Duration.ofMillis(250), 5, io.tandem.notification.NotificationSettings.defaults(), null,
        null, io.tandem.media.sealed.MediaKeys.none(), SECRET, null, null, Duration.ofSeconds(45), Duration.ofSeconds(5),
        "http://manager-2.example.com:8080", new PoolSettings(12, Duration.ofSeconds(90)),
        new CallRetention(Duration.ofDays(2555), 6)));
    assertThat(config.databaseConfig().poolSize()).isEqualTo(12);
    assertThat(config.databaseConfig().statementTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.toString()).doesNotContain("secret").doesNotContain(SECRET);
  }

  @Test
  void everyCallIsKeptUnlessARetentionIsGivenAndARetentionUnderADayIsRefused() {
    ManagerConfig kept = ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t"));

    assertThat(kept.callRetention()).isEqualTo(new CallRetention(null, 3));
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "database.retention", "12h"))).isInstanceOf(ConfigException.class)
        .hasMessage("'database.retention' must be a number of days such as 2555d (7 years), or absent to keep every "
            + "call, got 43200000ms");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "database.monthsAhead", "0"))).isInstanceOf(ConfigException.class).hasMessageContaining("database.monthsAhead");
  }

  @Test
  void theManagerSecretIsRequiredAndLongEnough() {
    Properties without = new Properties();
    without.setProperty("database.url", "jdbc:postgresql://127.0.0.1/t");
    assertThatThrownBy(() -> ManagerConfig.from(ConfigFile.of(without)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("'manager.secret' must be the secret the Recorder Manager and its recorders share");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "manager.secret", "short")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("'manager.secret' must be at least 32 printable characters without spaces (make one with: "
            + "openssl rand -base64 32), got 5 characters");
  }

  @Test
  void aLeaseTooShortOrAPublicUrlThatIsNoUrlIsRefusedByName() {
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "leader.lease", "100ms")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("leader.lease must be at least 300ms");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "manager.publicUrl", "manager-2:8080")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("manager.publicUrl must be http(s)://HOST:PORT");
  }

  @Test
  void aStatementTimeoutOfZeroMeansNoLimit() {
    ManagerConfig config = ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "database.statementTimeout", "0s"));

    assertThat(config.databaseConfig().statementTimeout()).isZero();
  }

  @Test
  void aBadPoolSizeOrStatementTimeoutIsRefusedByName() {
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "database.poolSize", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("'database.poolSize' must be a whole number from 2 to 100, got 1");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "database.poolSize", "many")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("'database.poolSize' must be a whole number from 2 to 100, got 'many'");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "database.statementTimeout", "5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("'database.statementTimeout' must be a duration such as 250ms, 30s, 15m, 2h or 7d, "
            + "got '5'");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "database.statementTimeout", "300ms")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("'database.statementTimeout' must be 0s (no limit) or a duration from 1s to 24d such as 5m, "
            + "got 300ms");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "database.statementTimeout", "30d")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'database.statementTimeout' must be 0s (no limit)");
  }

  @Test
  void unknownKeyIsRefusedByName() {
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "manager.prot", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("manager.prot");
  }

  @Test
  void malformedValueNamesItsKey() {
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "health.interval", "often")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("health.interval");
  }

  @Test
  void notificationTargetsAndTheirSettingsAreRead() {
    ManagerConfig config = ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "notify.heartbeat", "12h", "notify.retryMax", "1m",
        "notify.webhook.ops.url", "https://hooks.example.com/tandem", "notify.webhook.ops.secret", "0123456789abcdef",
        "notify.syslog.siem.host", "siem.example.com", "notify.syslog.siem.transport", "tcp",
        "notify.syslog.siem.port", "1514", "notify.syslog.siem.facility", "daemon",
        "notify.syslog.local.host", "127.0.0.1"));

    NotificationSettings notifications = config.notifications();
    assertThat(notifications.heartbeatInterval()).isEqualTo(Duration.ofHours(12));
    assertThat(notifications.retryMax()).isEqualTo(Duration.ofMinutes(1));
    assertThat(notifications.targets()).containsExactly(
        new TargetSpec("ops", WebhookEndpoint.of("https://hooks.example.com/tandem", "0123456789abcdef")),
        new TargetSpec("local", new SyslogEndpoint("127.0.0.1", 514, SyslogTransport.UDP, SyslogFacility.LOCAL0)),
        new TargetSpec("siem", new SyslogEndpoint("siem.example.com", 1514, SyslogTransport.TCP,
            SyslogFacility.DAEMON)));
    assertThat(config.toString()).doesNotContain("0123456789abcdef");
  }

  @Test
  void withoutNotifyKeysThereIsNoTargetAndADailyHeartbeat() {
    NotificationSettings notifications = ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t"))
        .notifications();

    assertThat(notifications.targets()).isEmpty();
    assertThat(notifications.heartbeatInterval()).isEqualTo(Duration.ofHours(24));
    assertThat(notifications.retryMax()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aBadTargetSettingNamesItsKey() {
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "notify.syslog.siem.host", "siem", "notify.syslog.siem.port", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'notify.syslog.siem.port'");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "notify.syslog.siem.host", "siem", "notify.syslog.siem.transport", "sctp")))
        .isInstanceOf(ConfigException.class).hasMessage("'notify.syslog.siem.transport' must be udp or tcp, got 'sctp'");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "notify.webhook.ops.url", "https://hooks.example.com/", "notify.webhook.ops.secret", "short")))
        .isInstanceOf(ConfigException.class).hasMessage("'notify.webhook.ops.secret' must be at least 16 characters, "
            + "got 5");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "notify.webhook.ops.secret", "0123456789abcdef")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("'notify.webhook.ops.url' must be");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "notify.webhook.ops.url", "https://hooks.example.com/", "notify.webhook.ops.secret", "0123456789abcdef",
        "notify.webhook.ops.token", "x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'notify.webhook.ops.token'");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "notify.heartbeat", "30s")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("notify.heartbeat");
  }

  @Test
  void missingDatabaseUrlIsRefused() {
    assertThatThrownBy(() -> ManagerConfig.from(file()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("database.url");
  }

  /** Every file of these tests but one carries the secret the recorders share. */
  @Test
  void archiveMountsAreReadAndABadOneStopsTheManagerNamingItsKey() {
    ManagerConfig config = ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "archive.mount.main.target", "/srv/tandem/archive", "archive.mount.main.seenAt", "/mnt/recorders/archive"));

    assertThat(config.archiveMounts().seen(java.nio.file.Path.of("/srv/tandem/archive/2026/11/26/1.wav")))
        .isEqualTo(java.nio.file.Path.of("/mnt/recorders/archive/2026/11/26/1.wav"));
    assertThat(ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t")).archiveMounts().mounts())
        .isEmpty();
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "archive.mount.main.target", "/srv/tandem/archive", "archive.mount.main.seenAt", "mnt/archive")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("'archive.mount.main.seenAt' must be an absolute folder, got 'mnt/archive'");
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "archive.mount.main.target", "/srv/tandem/archive", "archive.mount.main.seenAt", "/mnt/a",
        "archive.mount.main.seenat", "/mnt/b")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'archive.mount.main.seenat'");
  }

  private static ConfigFile file(String... keysAndValues) {
    Properties properties = new Properties();
    properties.setProperty("manager.secret", SECRET);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return ConfigFile.of(properties);
  }
}
