package io.tandem.config;

/** A configuration value that is missing or wrong; the message names the field and what was expected. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
