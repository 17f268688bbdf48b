package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Position;
import io.tandem.callbuffer.DiskFloor;
import io.tandem.capture.rtp.ReceiveMode;
import io.tandem.capture.sip.AllowList;
import io.tandem.capture.sip.SipLimits;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.net.InetAddress;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RecorderConfigTest {
  @Test
  void theManagerSecretIsRequired() {
    Properties file = minimal();
    file.remove("manager.secret");

    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).isInstanceOf(ConfigException.class)
        .hasMessage("'manager.secret' must be the secret the Recorder Manager and its recorders share, at least 32 "
            + "characters (make one with: openssl rand -base64 32), got nothing");
  }

  @Test
  void aMinimalFileGetsTheDocumentedDefaults() {
    RecorderConfig config = RecorderConfig.from(ConfigFile.of(minimal()));
    assertThat(config.serial()).isEqualTo(100_001);
    assertThat(config.position()).isEqualTo(Position.MAIN);
    assertThat(config.timeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(config.rtpPortMin()).isEqualTo(20_000);
    assertThat(config.rtpPortMax()).isEqualTo(29_999);
    assertThat(config.jitterDelay()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.flushInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.mediaTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(config.gapGrace()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.contingencySerial()).isNull();
    assertThat(config.diskFloor()).isEqualTo(DiskFloor.DEFAULT);
    assertThat(config.sipAddress()).isEqualTo("127.0.0.1:5060");
    assertThat(config.sipAccess().limits()).isEqualTo(new SipLimits(1_000, 8, 256, Duration.ofMinutes(10)));
    assertThat(config.sipAccess().tls()).isNull();
    assertThat(config.rtpSourceTakeover()).isZero();
    assertThat(config.databaseConfig().poolSize()).isEqualTo(4);
    assertThat(config.databaseConfig().statementTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void thePoolSizeAndStatementTimeoutAreRead() {
    Properties file = minimal();
    file.setProperty("database.poolSize", "6");
    file.setProperty("database.statementTimeout", "2m");
    RecorderConfig config = RecorderConfig.from(ConfigFile.of(file));
    assertThat(config.databaseConfig().poolSize()).isEqualTo(6);
    assertThat(config.databaseConfig().statementTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.withS3Targets(null).databaseConfig()).as("kept by a copy").isEqualTo(config.databaseConfig());
    file.setProperty("database.statementTimeout", "0s");
    assertThat(RecorderConfig.from(ConfigFile.of(file)).databaseConfig().statementTimeout()).as("no limit").isZero();
  }

  @Test
  void aFileWithoutTheSbcAllowListFailsWithOneLineSayingSo() {
    Properties file = minimal();
    file.remove("sip.allow");
    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).isInstanceOf(ConfigException.class)
        .hasMessage("'sip.allow' must list the SBC addresses allowed to send SIP to this recorder, such as 10.0.0.5, "
            + "10.0.1.0/24 (127.0.0.1 for a client on this machine), got nothing");
  }

  @Test
  void theAllowListTakesAddressesAndNetworksOfBothFamilies() throws Exception {
    Properties file = minimal();
    file.setProperty("sip.allow", "10.0.0.5 10.0.1.0/24, 2001:db8::/32");
    AllowList allowed = RecorderConfig.from(ConfigFile.of(file)).sipAccess().allowed();
    assertThat(allowed.allows(InetAddress.getByName("10.0.0.5"))).isTrue();
    assertThat(allowed.allows(InetAddress.getByName("10.0.0.6"))).isFalse();
    assertThat(allowed.allows(InetAddress.getByName("10.0.1.200"))).isTrue();
    assertThat(allowed.allows(InetAddress.getByName("10.0.2.1"))).isFalse();
    assertThat(allowed.allows(InetAddress.getByName("2001:db8:1::7"))).isTrue();
    assertThat(allowed.allows(InetAddress.getByName("2001:db9::7"))).isFalse();
  }

  @Test
  void theLimitsTlsAndSourceTakeoverAreRead() {
    Properties file = minimal();
    file.setProperty("sip.maxCalls", "50");
    file.setProperty("sip.maxStreamsPerCall", "2");
    file.setProperty("sip.maxTcpConnections", "4");
    file.setProperty("sip.tcpIdleTimeout", "30s");
    file.setProperty("sip.tls.certificate", "/etc/tandem/sip.pem");
    file.setProperty("sip.tls.key", "/etc/tandem/sip.key");
    file.setProperty("rtp.sourceTakeover", "2s");
    RecorderConfig config = RecorderConfig.from(ConfigFile.of(file));
    assertThat(config.sipAccess().limits()).isEqualTo(new SipLimits(50, 2, 4, Duration.ofSeconds(30)));
    assertThat(config.sipAccess().tls().port()).isEqualTo(5061);
    assertThat(config.sipAccess().tls().certificate()).isEqualTo(java.nio.file.Path.of("/etc/tandem/sip.pem"));
    assertThat(config.rtpSourceTakeover()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void rtpReceiveIsAutoUnlessSetToBatchOrPlain() {
    assertThat(RecorderConfig.from(ConfigFile.of(minimal())).rtpReceive()).isEqualTo(ReceiveMode.AUTO);
    Properties file = minimal();
    file.setProperty("rtp.receive", "Plain");
    assertThat(RecorderConfig.from(ConfigFile.of(file)).rtpReceive()).isEqualTo(ReceiveMode.PLAIN);
    file.setProperty("rtp.receive", "batch");
    assertThat(RecorderConfig.from(ConfigFile.of(file)).rtpReceive()).isEqualTo(ReceiveMode.BATCH);
    assertRefused("rtp.receive", "recvmmsg", "'rtp.receive' must be batch, plain or auto, got 'recvmmsg'");
  }

  @Test
  void aSerialThatIsNotSixDigitsIsNamed() {
    Properties file = minimal();
    file.setProperty("recorder.serial", "12345");
    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'recorder.serial'").hasMessageContaining("six digits");
  }

  @Test
  void anUnknownKeyIsRefusedByName() {
    Properties file = minimal();
    file.setProperty("sip.prot", "5070");
    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'sip.prot'");
  }

  @Test
  void s3TargetsAreReadAndAMissingBucketOrABadEndpointIsRefusedByName() {
    Properties file = minimal();
    file.setProperty("archive.s3.calls.endpoint", "http://127.0.0.1:9000");
    file.setProperty("archive.s3.calls.bucket", "tandem-calls");
    file.setProperty("archive.s3.calls.accessKeyId", "AKIDEXAMPLE");
    file.setProperty("archive.s3.calls.secretAccessKey", "very-secret-value");
    RecorderConfig config = RecorderConfig.from(ConfigFile.of(file));
    assertThat(config.s3Targets().named("calls").orElseThrow().bucket()).isEqualTo("tandem-calls");
    assertThat(config.toString()).as("the config as a log line shows it").contains("tandem-calls")
        .doesNotContain("very-secret-value");

    file.setProperty("archive.s3.calls.endpoint", "s3.example.com");
    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'archive.s3.calls.endpoint'").hasMessageNotContaining("very-secret-value");
    file.setProperty("archive.s3.calls.endpoint", "http://127.0.0.1:9000");
    file.remove("archive.s3.calls.bucket");
    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'archive.s3.calls.bucket'");
    file.setProperty("archive.s3.calls.bucket", "tandem-calls");
    file.setProperty("archive.s3.calls.sekret", "x");
    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'archive.s3.calls.sekret'");
  }

  @Test
  void aSipPortInsideTheRtpRangeIsRefused() {
    Properties file = minimal();
    file.setProperty("sip.port", "20010");
    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sip.port' 20010 lies inside the RTP range");
  }

  @Test
  void theFlushIntervalIsRead() {
    Properties file = minimal();
    file.setProperty("media.flushInterval", "500ms");
    assertThat(RecorderConfig.from(ConfigFile.of(file)).flushInterval()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void theDiskFloorIsReadAsASizeOrAShare() {
    Properties file = minimal();
    file.setProperty("disk.floor", "2%");
    assertThat(RecorderConfig.from(ConfigFile.of(file)).diskFloor()).isEqualTo(new DiskFloor(0, 200));
    file.setProperty("disk.floor", "256MiB");
    assertThat(RecorderConfig.from(ConfigFile.of(file)).diskFloor()).isEqualTo(new DiskFloor(256L << 20, 0));
  }

  @Test
  void badValuesNameTheirKeyAndWhatWasExpected() {
    assertRefused("media.flushInterval", "0s", "'media.flushInterval' must be a duration from 10ms to 10s");
    assertRefused("media.flushInterval", "11s", "'media.flushInterval' must be a duration from 10ms to 10s");
    assertRefused("media.flushInterval", "often", "a duration such as");
    assertRefused("recorder.position", "PRIMARY", "one of [MAIN, BACKUP]");
    assertRefused("media.timeout", "60", "a duration such as 250ms, 30s, 15m, 2h or 7d");
    assertRefused("recorder.timeZone", "Mars/Olympus", "a time zone");
    assertRefused("gap.grace", "0s", "'gap.grace' must be a positive duration");
    assertRefused("buffer.retention", "0s", "'buffer.retention' must be a positive duration");
    assertRefused("gap.grace", "soon", "a duration such as");
    assertRefused("database.url", "postgres://x", "a PostgreSQL JDBC URL");
    assertRefused("rtp.portMin", "20001", "'rtp.portMin' must be even");
    assertRefused("recorder.contingencySerial", "100001", "must differ from 'recorder.serial'");
    assertRefused("disk.floor", "plenty", "'disk.floor' must be a size of at least 1MiB such as 1GiB");
    assertRefused("disk.floor", "75%", "from 0.01% to 50% such as 2%, got '75%'");
    assertRefused("sip.allow", "sbc.example.com", "'sip.allow' expected IP addresses or networks such as 10.0.0.5");
    assertRefused("sip.allow", "10.0.0.0/33", "got '10.0.0.0/33'");
    assertRefused("sip.maxCalls", "0", "'sip.maxCalls' must be a whole number from 1 to 1000000, got 0");
    assertRefused("sip.maxStreamsPerCall", "65", "'sip.maxStreamsPerCall' must be a whole number from 1 to 64");
    assertRefused("sip.tcpIdleTimeout", "10ms", "'sip.tcpIdleTimeout' must be a duration from 100ms to 1d");
    assertRefused("sip.tls.port", "5061", "SIP over TLS needs either 'sip.tls.certificate' with 'sip.tls.key'");
    assertRefused("sip.tls.key", "/etc/tandem/sip.key", "'sip.tls.certificate' and 'sip.tls.key' go together");
    assertRefused("rtp.sourceTakeover", "2h", "'rtp.sourceTakeover' must be a duration from 0s (never) to 1h");
    assertRefused("database.poolSize", "1", "'database.poolSize' must be a whole number from 2 to 100, got 1");
    assertRefused("database.poolSize", "101", "'database.poolSize' must be a whole number from 2 to 100, got 101");
    assertRefused("database.statementTimeout", "5min", "'database.statementTimeout' must be a duration such as");
    assertRefused("database.statementTimeout", "500ms",
        "'database.statementTimeout' must be 0s (no limit) or a duration from 1s to 24d such as 5m, got 500ms");
  }

  @Test
  void aTlsPortThatIsTheSipPortIsRefused() {
    Properties file = minimal();
    file.setProperty("sip.tls.keystore", "/etc/tandem/sip.p12");
    file.setProperty("sip.tls.port", "5060");
    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sip.tls.port' must differ from 'sip.port' (5060)");
  }

  private static void assertRefused(String key, String value, String expected) {
    Properties file = minimal();
    file.setProperty(key, value);
    assertThatThrownBy(() -> RecorderConfig.from(ConfigFile.of(file))).as(key).isInstanceOf(ConfigException.class)
        .hasMessageContaining(expected);
  }

  private static Properties minimal() {
    Properties file = new Properties();
    file.setProperty("recorder.serial", "100001");
    file.setProperty("recorder.pair", "pair-1");
    file.setProperty("recorder.position", "MAIN");
    file.setProperty("recorder.dataDir", "/var/lib/tandem/main");
    file.setProperty("sip.port", "5060");
    file.setProperty("admin.port", "8081");
    file.setProperty("database.url", "jdbc:postgresql://localhost:5432/tandem");
    file.setProperty("sip.allow", "10.0.0.5, 10.0.1.0/24");
    file.setProperty("manager.secret", "the-secret-this-recorder-shares-with-its-manager");
    return file;
  }
}
