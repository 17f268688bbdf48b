package io.tandem.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Position;
import io.tandem.config.ConfigFile;
import io.tandem.recorder.RecorderConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackLayoutTest {
  @TempDir
  Path dir;

  @Test
  void recorderConfigsItWritesAreValidForAnyManagerPortAndPairCount() throws Exception {
    for (int pairs : new int[] {1, 3, StackLayout.MAX_PAIRS}) {
      for (int port : new int[] {1024, 8080, 19_995, 20_000, 23_456, 31_999, 32_000, 65_535 - 4 * pairs - 1}) {
        StackLayout layout = new StackLayout(dir.resolve("p" + port + "x" + pairs), port, false, pairs);
        io.tandem.config.PrivateFiles.createFolders(layout.dataDir());
        String secret = StackSecrets.managerSecret(layout);
        List<int[]> rtpRanges = new ArrayList<>();
        for (StackPair pair : layout.pairs()) {
          for (Position position : Position.values()) {
            Path file = pair.writeRecorderConfig(position, "jdbc:postgresql://127.0.0.1:5432/postgres");
            RecorderConfig config = RecorderConfig.from(ConfigFile.load(file));
            assertThat(config.managerSecret()).isEqualTo(secret);
            assertThat(config.sipPort()).isEqualTo(pair.sipPort(position));
            assertThat(config.pair()).isEqualTo(pair.name());
            assertThat(config.sipAccess().allowed().allows(java.net.InetAddress.getLoopbackAddress())).isTrue();
            assertThat(config.sipAccess().allowed().allows(java.net.InetAddress.getByName("192.0.2.1"))).isFalse();
            assertThat(config.rtpPortMax()).as("RTP below the ephemeral range").isLessThan(32_768);
            for (int used = port; used <= port + StackLayout.lastPortOffset(pairs); used++) {
              assertThat(used >= config.rtpPortMin() && used <= config.rtpPortMax())
                  .as("port %d of the stack inside %s's RTP range", used, position).isFalse();
            }
            for (int[] other : rtpRanges) {
              assertThat(config.rtpPortMax() < other[0] || config.rtpPortMin() > other[1])
                  .as("%s %s's RTP range overlaps another recorder's", pair.name(), position).isTrue();
            }
            rtpRanges.add(new int[] {config.rtpPortMin(), config.rtpPortMax()});
          }
        }
      }
    }
  }

  @Test
  void noTwoRecordersOfTheStackShareAPortASerialOrAFolder() {
    StackLayout layout = new StackLayout(dir, 8080, false, 10);
    Set<Integer> ports = new HashSet<>(List.of(layout.port(), layout.postgresPort()));
    Set<Integer> serials = new HashSet<>();
    Set<Path> folders = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (StackPair pair : layout.pairs()) {
      assertThat(names.add(pair.name())).as("name of %s", pair.name()).isTrue();
      for (Position position : Position.values()) {
        assertThat(ports.add(pair.adminPort(position))).as("%s %s admin port", pair.name(), position).isTrue();
        assertThat(ports.add(pair.sipPort(position))).as("%s %s SIP port", pair.name(), position).isTrue();
        assertThat(serials.add(pair.serial(position))).as("%s %s serial", pair.name(), position).isTrue();
        assertThat(folders.add(pair.recorderDir(position))).as("%s %s folder", pair.name(), position).isTrue();
        assertThat(pair.serial(position)).isBetween(100_000, 999_999);
      }
    }
    assertThat(ports).hasSize(2 + 4 * 10).allSatisfy(port -> assertThat(port).isBetween(8080, 8080 + 41));
  }

  @Test
  void theFirstPairKeepsTheOnePairStacksSerialsPortsAndFolders() {
    StackPair first = new StackLayout(dir, 8080, false, 3).pair(1);
    assertThat(first.name()).isEqualTo("pair-1");
    assertThat(first.serial(Position.MAIN)).isEqualTo(100_001);
    assertThat(first.serial(Position.BACKUP)).isEqualTo(100_002);
    assertThat(List.of(first.adminPort(Position.MAIN), first.adminPort(Position.BACKUP), first.sipPort(Position.MAIN),
        first.sipPort(Position.BACKUP))).containsExactly(8081, 8082, 8083, 8084);
    assertThat(first.recorderDir(Position.MAIN)).isEqualTo(dir.resolve("main"));
    assertThat(new StackLayout(dir, 8080).pair(1).rtpMin(Position.MAIN)).isEqualTo(20_000);
    assertThat(new StackLayout(dir, 8080).pair(1).rtpMax(Position.BACKUP)).isEqualTo(31_999);
    StackPair second = new StackLayout(dir, 8080, false, 3).pair(2);
    assertThat(second.recorderDir(Position.BACKUP)).isEqualTo(dir.resolve("pair-2").resolve("backup"));
    assertThat(second.serial(Position.MAIN)).isEqualTo(100_003);
    assertThat(second.adminPort(Position.MAIN)).isEqualTo(8086);
  }

  @Test
  void aPortWithoutRoomForTheStackIsRefused() {
    assertThatThrownBy(() -> new StackLayout(dir, 65_531)).hasMessageContaining("--port must be from 1024 to 65530");
    assertThatThrownBy(() -> new StackLayout(dir, 65_500, false, 10))
        .hasMessage("--port must be from 1024 to 65494 (the stack uses PORT to PORT+41 with 10 pairs), got 65500");
  }

  @Test
  void aPairCountOutsideOneToTheMostIsRefused() {
    assertThatThrownBy(() -> new StackLayout(dir, 8080, false, 0)).hasMessage("--pairs must be from 1 to 20, got 0");
    assertThatThrownBy(() -> new StackLayout(dir, 8080, false, 21)).hasMessage("--pairs must be from 1 to 20, got 21");
  }
}
