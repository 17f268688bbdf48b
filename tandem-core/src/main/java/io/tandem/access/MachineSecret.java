package io.tandem.access;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;

/**
 * The secret the Recorder Manager and its recorders share to know each other (the {@code manager.secret} of both
 * config files): the Manager sends it as a bearer credential, a recorder takes role and promotion orders only with
 * it. At least 32 characters of printable ASCII, such as {@code openssl rand -base64 32} makes. Stateless.
 */
public final class MachineSecret {
  private static final int MIN_LENGTH = 32;

  private MachineSecret() {}

  public static String required(ConfigFile file, String key) {
    String value = file.string(key, null);
    if (value == null || value.isBlank()) {
      throw new ConfigException("'" + key + "' must be the secret the Recorder Manager and its recorders share, at "
          + "least " + MIN_LENGTH + " characters (make one with: openssl rand -base64 32), got nothing");
    }
    return check(key, value.strip());
  }

  public static String check(String key, String value) {
    if (value.length() < MIN_LENGTH || !value.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new ConfigException("'" + key + "' must be at least " + MIN_LENGTH + " printable characters without "
          + "spaces (make one with: openssl rand -base64 32), got " + value.length() + " characters");
    }
    return value;
  }

  /** A new secret for a config file. */
  public static String generate() {
    return Secrets.random("");
  }
}
