package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Position;
import io.tandem.callbuffer.DiskFloor;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RecorderConfigTest {
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
    assertRefused("gap.grace", "soon", "a duration such as");
    assertRefused("database.url", "postgres://x", "a PostgreSQL JDBC URL");
    assertRefused("rtp.portMin", "20001", "'rtp.portMin' must be even");
    assertRefused("recorder.contingencySerial", "100001", "must differ from 'recorder.serial'");
    assertRefused("disk.floor", "plenty", "'disk.floor' must be a size of at least 1MiB such as 1GiB");
    assertRefused("disk.floor", "75%", "from 0.01% to 50% such as 2%, got '75%'");
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
    return file;
  }
}
