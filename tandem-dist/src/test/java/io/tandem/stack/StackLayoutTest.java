package io.tandem.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Position;
import io.tandem.config.ConfigFile;
import io.tandem.recorder.RecorderConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackLayoutTest {
  @TempDir
  Path dir;

  @Test
  void recorderConfigsItWritesAreValidForAnyManagerPort() throws Exception {
    for (int port : new int[] {1024, 8080, 19_995, 20_000, 23_456, 31_999, 32_000, 65_530}) {
      StackLayout layout = new StackLayout(dir.resolve("p" + port), port);
      io.tandem.config.PrivateFiles.createFolders(layout.dataDir());
      String secret = StackSecrets.managerSecret(layout);
      for (Position position : Position.values()) {
        Path file = layout.writeRecorderConfig(position, "jdbc:postgresql://127.0.0.1:5432/postgres");
        RecorderConfig config = RecorderConfig.from(ConfigFile.load(file));
        assertThat(config.managerSecret()).isEqualTo(secret);
        assertThat(config.sipPort()).isEqualTo(layout.sipPort(position));
        assertThat(config.sipAccess().allowed().allows(java.net.InetAddress.getLoopbackAddress())).isTrue();
        assertThat(config.sipAccess().allowed().allows(java.net.InetAddress.getByName("192.0.2.1"))).isFalse();
        assertThat(config.rtpPortMax()).as("RTP below the ephemeral range").isLessThan(32_768);
        for (int used = port; used <= port + 5; used++) {
          assertThat(used >= config.rtpPortMin() && used <= config.rtpPortMax())
              .as("port %d of the stack inside %s's RTP range", used, position).isFalse();
        }
      }
    }
  }

  @Test
  void theMainAndTheBackupNeverShareAPortOrASerial() {
    StackLayout layout = new StackLayout(dir, 8080);
    assertThat(layout.serial(Position.MAIN)).isNotEqualTo(layout.serial(Position.BACKUP));
    assertThat(layout.sipPort(Position.MAIN)).isNotEqualTo(layout.sipPort(Position.BACKUP));
    assertThat(layout.adminPort(Position.MAIN)).isNotEqualTo(layout.adminPort(Position.BACKUP));
  }

  @Test
  void aPortWithoutRoomForTheStackIsRefused() {
    assertThatThrownBy(() -> new StackLayout(dir, 65_531)).hasMessageContaining("--port must be from 1024 to 65530");
  }
}
