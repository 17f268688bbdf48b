package io.tandem.media.sealed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealingSettingsTest {
  @TempDir
  Path dir;

  @Test
  void aKeyFileTurnsSealingOnAndItsFirstKeyIsCurrent() throws Exception {
    MediaKeys older = MediaKeys.generate();
    MediaKeys newer = MediaKeys.generate();
    Path file = dir.resolve("media.key");
    older.withCurrent(newer).write(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

    SealingSettings settings = SealingSettings.from(config("media.keyFile", file.toString()));

    assertThat(settings.sealNew()).isTrue();
    assertThat(settings.keys().current().id()).isEqualTo(newer.current().id());
    assertThat(settings.keys().find(older.current().id())).isPresent();
  }

  @Test
  void withoutAKeyNothingIsSealedAndAskingForItFailsNamingTheKeys() {
    assertThat(SealingSettings.from(config()).sealNew()).isFalse();
    assertThatThrownBy(() -> SealingSettings.from(config("media.encryption", "on")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'media.encryption' is on but no media key is given")
        .hasMessageContaining("media.keyFile");
  }

  @Test
  void sealingCanBeTurnedOffWithTheKeysKeptForReading() {
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    SealingSettings settings = SealingSettings.from(config("media.key", key, "media.encryption", "off"));
    assertThat(settings.sealNew()).isFalse();
    assertThat(settings.keys().isEmpty()).isFalse();
  }

  @Test
  void aBadKeyIsRefusedWithItsLine() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.key"), "# keys\n" + "c2hvcnQ=\n");
    assertThatThrownBy(() -> SealingSettings.from(config("media.keyFile", file.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'media.keyFile'").hasMessageContaining("line 2")
        .hasMessageContaining("256-bit AES key in base64");
    assertThatThrownBy(() -> SealingSettings.from(config("media.keyFile", dir.resolve("none").toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'media.keyFile' must name a readable key file");
    assertThatThrownBy(() -> SealingSettings.from(config("media.keyFile", file.toString(), "media.key", "x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not both");
    assertThatThrownBy(() -> SealingSettings.from(config("media.encryption", "maybe")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'media.encryption' must be on or off");
  }

  private static ConfigFile config(String... keysAndValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return ConfigFile.of(properties);
  }
}
