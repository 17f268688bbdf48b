package io.tandem.manager;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.time.Duration;

/**
 * How the Manager keeps the months of the call database: how many months it makes ahead of this one
 * ({@code database.monthsAhead}), and how long calls are kept before their month is dropped whole
 * ({@code database.retention}; null, the default, keeps every call). Immutable; validated when built.
 */
public record CallRetention(Duration keep, int monthsAhead) {
  public static final String RETENTION = "database.retention";
  public static final String MONTHS_AHEAD = "database.monthsAhead";
  public static final int DEFAULT_MONTHS_AHEAD = 3;
  /** A month is dropped only once it ended before the cut-off, so a shorter retention would drop nothing sooner. */
  private static final Duration SHORTEST = Duration.ofDays(1);

  public CallRetention {
    if (keep != null && keep.compareTo(SHORTEST) < 0) {
      throw new ConfigException("'" + RETENTION + "' must be a number of days such as 2555d (7 years), or absent to "
          + "keep every call, got " + keep.toMillis() + "ms");
    }
    if (monthsAhead < 1 || monthsAhead > 24) {
      throw new ConfigException("'" + MONTHS_AHEAD + "' must be a whole number from 1 to 24, got " + monthsAhead);
    }
  }

  /** Every call kept, three months made ahead. */
  public static CallRetention defaults() {
    return new CallRetention(null, DEFAULT_MONTHS_AHEAD);
  }

  public static CallRetention from(ConfigFile file) {
    return new CallRetention(file.duration(RETENTION, null), file.integer(MONTHS_AHEAD, DEFAULT_MONTHS_AHEAD, 1, 24));
  }
}
