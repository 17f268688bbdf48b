package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.Position;
import io.tandem.call.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandingTest {
  @TempDir
  Path dir;

  @Test
  void aStandingIsStoredAndLoadedAgain() {
    Path file = dir.resolve("standing.properties");
    assertThat(Standing.load(file, Position.MAIN).update(Role.SECONDARY, 3)).isTrue();

    assertThat(Standing.load(file, Position.MAIN).current()).isEqualTo(new Standing.Current(Role.SECONDARY, 3));
  }

  @Test
  void aStandingThatCannotBeStoredIsHeldInMemoryAndStoredOnceItCanBe() throws Exception {
    // The file's folder is a plain file for now, so nothing can be written there, as on a full disk.
    Path folder = dir.resolve("data");
    Files.writeString(folder, "in the way");
    Path file = folder.resolve("standing.properties");
    Standing standing = Standing.load(file, Position.MAIN);

    assertThat(standing.update(Role.SECONDARY, 2)).isTrue();
    assertThat(standing.current()).isEqualTo(new Standing.Current(Role.SECONDARY, 2));
    assertThat(standing.update(Role.PRIMARY, 1)).as("an older epoch is still refused").isFalse();

    Files.delete(folder);
    Files.createDirectory(folder);
    assertThat(standing.update(Role.SECONDARY, 2)).isTrue();
    assertThat(Standing.load(file, Position.MAIN).current()).isEqualTo(new Standing.Current(Role.SECONDARY, 2));
  }
}
