package io.tandem.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ArchiveMountsTest {
  @Test
  void eachMountIsReadWithItsTargetAndWhereItIsSeen() {
    ArchiveMounts mounts = ArchiveMounts.from(file("archive.mount.main.target", "/srv/tandem/archive",
        "archive.mount.main.seenAt", "/mnt/recorders/archive"));

    assertThat(mounts.mounts()).containsExactly(new ArchiveMounts.Mount("main", Path.of("/srv/tandem/archive"),
        Path.of("/mnt/recorders/archive")));
    assertThat(mounts.seen(Path.of("/srv/tandem/archive/2026/11/26/123456000000042.wav")))
        .isEqualTo(Path.of("/mnt/recorders/archive/2026/11/26/123456000000042.wav"));
  }

  @Test
  void aFolderNoMountNamesIsSeenUnderItsOwnPath() {
    ArchiveMounts mounts = ArchiveMounts.from(file("archive.mount.main.target", "/srv/tandem/archive",
        "archive.mount.main.seenAt", "/mnt/a"));

    assertThat(mounts.seen(Path.of("/srv/other/1.wav"))).isEqualTo(Path.of("/srv/other/1.wav"));
    assertThat(mounts.seen(Path.of("/srv/tandem/archive-2/1.wav"))).as("a folder beside the target, not in it")
        .isEqualTo(Path.of("/srv/tandem/archive-2/1.wav"));
    assertThat(ArchiveMounts.none().seen(Path.of("/srv/tandem/archive/1.wav")))
        .isEqualTo(Path.of("/srv/tandem/archive/1.wav"));
  }

  @Test
  void theInnermostMountOfNestedFoldersWins() {
    ArchiveMounts mounts = ArchiveMounts.from(file("archive.mount.outer.target", "/srv/archive",
        "archive.mount.outer.seenAt", "/mnt/outer", "archive.mount.inner.target", "/srv/archive/legal",
        "archive.mount.inner.seenAt", "/mnt/legal"));

    assertThat(mounts.seen(Path.of("/srv/archive/legal/1.wav"))).isEqualTo(Path.of("/mnt/legal/1.wav"));
    assertThat(mounts.seen(Path.of("/srv/archive/daily/1.wav"))).isEqualTo(Path.of("/mnt/outer/daily/1.wav"));
  }

  @Test
  void aMissingOrRelativeFolderFailsNamingItsKey() {
    assertThatThrownBy(() -> ArchiveMounts.from(file("archive.mount.main.target", "/srv/tandem/archive")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("'archive.mount.main.seenAt' must be an absolute folder, got nothing");
    assertThatThrownBy(() -> ArchiveMounts.from(file("archive.mount.main.target", "archive",
        "archive.mount.main.seenAt", "/mnt/a")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("'archive.mount.main.target' must be an absolute folder, got 'archive'");
  }

  @Test
  void aBadNameOrAFolderMountedTwiceFails() {
    assertThatThrownBy(() -> ArchiveMounts.from(file("archive.mount.main/1.target", "/srv/a",
        "archive.mount.main/1.seenAt", "/mnt/a")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("'archive.mount.main/1' must be named with 1 to 64 letters, digits");
    assertThatThrownBy(() -> ArchiveMounts.from(file("archive.mount.a.target", "/srv/archive",
        "archive.mount.a.seenAt", "/mnt/a", "archive.mount.b.target", "/srv/archive/",
        "archive.mount.b.seenAt", "/mnt/b")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("'archive.mount.b.target' names the archive folder /srv/archive, which another archive mount "
            + "names already: give each folder one mount");
  }

  private static ConfigFile file(String... keysAndValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return ConfigFile.of(properties);
  }
}
