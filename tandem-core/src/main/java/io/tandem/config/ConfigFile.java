package io.tandem.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code key = value} configuration file read into typed values. Every getter names the key in its
 * error; {@link #rejectUnknown()} refuses keys nobody asked for, so a misspelt key fails loudly
 * instead of being silently ignored. Not thread-safe; build a config record from it and drop it.
 */
public final class ConfigFile {
  private final String source;
  private final Properties values;
  private final Set<String> read = new HashSet<>();

  private ConfigFile(String source, Properties values) {
    this.source = source;
    this.values = values;
  }

  public static ConfigFile load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist or is not a file");
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return new ConfigFile(file.toString(), properties);
  }

  public static ConfigFile of(Properties properties) {
    Properties copy = new Properties();
    copy.putAll(properties);
    return new ConfigFile("properties", copy);
  }

  public String string(String key) {
    String value = raw(key);
    if (value == null || value.isEmpty()) {
      throw fail(key, "a value", "nothing");
    }
    return value;
  }

  public String string(String key, String fallback) {
    String value = raw(key);
    return value == null || value.isEmpty() ? fallback : value;
  }

  public int integer(String key, int min, int max) {
    return (int) number(string(key), key, min, max);
  }

  public int integer(String key, int fallback, int min, int max) {
    String value = raw(key);
    return value == null || value.isEmpty() ? checkRange(key, fallback, min, max) : (int) number(value, key, min, max);
  }

  public long longValue(String key, long fallback, long min, long max) {
    String value = raw(key);
    return value == null || value.isEmpty() ? fallback : number(value, key, min, max);
  }

  public boolean bool(String key, boolean fallback) {
    String value = raw(key);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    return switch (value.toLowerCase()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw fail(key, "true or false", "'" + value + "'");
    };
  }

  /** A duration written as a number and a unit: {@code 250ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 7d}. */
  public Duration duration(String key, Duration fallback) {
    String value = raw(key);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    return parseDuration(key, value);
  }

  public ZoneId zone(String key, ZoneId fallback) {
    String value = raw(key);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return ZoneId.of(value);
    } catch (RuntimeException e) {
      throw fail(key, "a time zone such as UTC or Europe/London", "'" + value + "'");
    }
  }

  public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    String value = string(key);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    throw fail(key, "one of " + java.util.Arrays.toString(type.getEnumConstants()), "'" + value + "'");
  }

  public Path path(String key) {
    return Path.of(string(key));
  }

  /**
   * The names that keys of the form {@code prefix + name + "." + field} use, in order: what a family of entries
   * such as {@code notify.webhook.NAME.url} is made of. Reads no value.
   */
  public Set<String> namesUnder(String prefix) {
    Set<String> names = new TreeSet<>();
    for (String key : values.stringPropertyNames()) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        String rest = key.substring(prefix.length());
        int dot = rest.indexOf('.');
        names.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return names;
  }

  /** Fails on the first key that no getter asked for. Call after reading every value. */
  public void rejectUnknown() {
    Set<String> unknown = new TreeSet<>(values.stringPropertyNames());
    unknown.removeAll(read);
    if (!unknown.isEmpty()) {
      throw new ConfigException(source + ": unknown key '" + unknown.iterator().next() + "'; known keys are "
          + new TreeSet<>(read));
    }
  }

  private String raw(String key) {
    read.add(key);
    String value = values.getProperty(key);
    return value == null ? null : value.strip();
  }

  private long number(String value, String key, long min, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw fail(key, "a whole number from " + min + " to " + max, "'" + value + "'");
    }
    return checkRange(key, parsed, min, max);
  }

  private <T extends Number> T checkRange(String key, T value, long min, long max) {
    if (value.longValue() < min || value.longValue() > max) {
      throw fail(key, "a whole number from " + min + " to " + max, value.toString());
    }
    return value;
  }

  private int checkRange(String key, int value, long min, long max) {
    return checkRange(key, Integer.valueOf(value), min, max);
  }

  private long checkRange(String key, long value, long min, long max) {
    return checkRange(key, Long.valueOf(value), min, max);
  }

  private Duration parseDuration(String key, String value) {
    var matcher = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)").matcher(value);
    if (!matcher.matches()) {
      throw fail(key, "a duration such as 250ms, 30s, 15m, 2h or 7d", "'" + value + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  private ConfigException fail(String key, String expected, String got) {
    return new ConfigException(source + ": '" + key + "' must be " + expected + ", got " + got);
  }
}
