package io.tandem.media.sealed;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import io.tandem.media.MediaFiles;
import java.util.Objects;

/**
 * Whether a process seals the media files it makes, and the master keys it reads sealed ones with, from its
 * config file: {@code media.keyFile} (a key file) or {@code media.key} (one base64 key), and, for a recorder,
 * {@code media.encryption} ({@code on} or {@code off}; on when a key is given). Immutable; validated when built.
 */
public record SealingSettings(MediaKeys keys, boolean sealNew) {
  public static final String KEY_FILE = "media.keyFile";
  public static final String KEY = "media.key";
  public static final String ENCRYPTION = "media.encryption";

  public SealingSettings {
    Objects.requireNonNull(keys, "keys");
    if (sealNew && keys.isEmpty()) {
      throw new ConfigException("'" + ENCRYPTION + "' is on but no media key is given: set '" + KEY_FILE
          + "' (a file of base64 AES-256 keys, the current one first) or '" + KEY + "'");
    }
  }

  /** Nothing sealed, nothing readable sealed. */
  public static SealingSettings off() {
    return new SealingSettings(MediaKeys.none(), false);
  }

  /** A recorder's: the keys, and {@code media.encryption}, on by default when a key is given. */
  public static SealingSettings from(ConfigFile file) {
    MediaKeys keys = keys(file);
    String encryption = file.string(ENCRYPTION, keys.isEmpty() ? "off" : "on");
    boolean on = switch (encryption.toLowerCase(java.util.Locale.ROOT)) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new ConfigException("'" + ENCRYPTION + "' must be on or off, got '" + encryption + "'");
    };
    return new SealingSettings(keys, on);
  }

  /** The keys alone, for a process that only reads sealed media (the Manager's replay of archived copies). */
  public static MediaKeys keys(ConfigFile file) {
    String keyFile = file.string(KEY_FILE, null);
    String key = file.string(KEY, null);
    if (keyFile != null && key != null) {
      throw new ConfigException("give '" + KEY_FILE + "' or '" + KEY + "', not both");
    }
    if (keyFile != null) {
      return MediaKeys.load(java.nio.file.Path.of(keyFile), KEY_FILE);
    }
    return key == null ? MediaKeys.none() : MediaKeys.parse(key, "'" + KEY + "'");
  }

  public MediaFiles files() {
    return MediaFiles.of(keys, sealNew);
  }

  @Override
  public String toString() {
    return "SealingSettings[keys=" + keys.ids() + ", sealNew=" + sealNew + "]";
  }
}
