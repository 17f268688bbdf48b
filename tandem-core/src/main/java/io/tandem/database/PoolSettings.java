package io.tandem.database;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.time.Duration;
import java.util.Objects;

/**
 * How many connections a process keeps to the call database ({@code database.poolSize}) and how long one statement
 * of them may run ({@code database.statementTimeout}; 0s for no limit), from its config file. Immutable; validated
 * when built: a bad value fails with its key's name.
 */
public record PoolSettings(int poolSize, Duration statementTimeout) {
  public static final String POOL_SIZE = "database.poolSize";
  public static final String STATEMENT_TIMEOUT = "database.statementTimeout";
  /**
   * Two at least: a recorder writes a large marking batch as two halves at once, each on a connection of its own,
   * and a Manager renews its RRC lease beside a request that holds a connection.
   */
  public static final int SMALLEST_POOL = 2;
  public static final int LARGEST_POOL = 100;
  /** Below this a healthy database cancels ordinary queries of a loaded host: most likely a unit was mistaken. */
  private static final Duration SHORTEST_TIMEOUT = Duration.ofSeconds(1);
  /** The longest PostgreSQL takes, whole days (it keeps milliseconds in a signed 32-bit integer). */
  private static final Duration LONGEST_TIMEOUT = Duration.ofDays(24);

  public PoolSettings {
    if (poolSize < SMALLEST_POOL || poolSize > LARGEST_POOL) {
      throw new ConfigException("'" + POOL_SIZE + "' must be a whole number from " + SMALLEST_POOL + " to "
          + LARGEST_POOL + ", got " + poolSize);
    }
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    if (!statementTimeout.isZero()
        && (statementTimeout.compareTo(SHORTEST_TIMEOUT) < 0 || statementTimeout.compareTo(LONGEST_TIMEOUT) > 0)) {
      throw new ConfigException("'" + STATEMENT_TIMEOUT + "' must be 0s (no limit) or a duration from 1s to 24d "
          + "such as 5m, got " + statementTimeout.toMillis() + "ms");
    }
  }

  /** {@code poolSize} connections, statements cancelled after the default 5 minutes. */
  public static PoolSettings defaults(int poolSize) {
    return new PoolSettings(poolSize, DatabaseConfig.DEFAULT_STATEMENT_TIMEOUT);
  }

  /** Reads both keys; {@code defaultPoolSize} when the pool size is not given, 5m when the timeout is not. */
  public static PoolSettings from(ConfigFile file, int defaultPoolSize) {
    return new PoolSettings(file.integer(POOL_SIZE, defaultPoolSize, SMALLEST_POOL, LARGEST_POOL),
        file.duration(STATEMENT_TIMEOUT, DatabaseConfig.DEFAULT_STATEMENT_TIMEOUT));
  }

  /** The call database at {@code jdbcUrl} reached with these settings. */
  public DatabaseConfig databaseConfig(String jdbcUrl, String user, String password) {
    return new DatabaseConfig(jdbcUrl, user, password, poolSize, statementTimeout);
  }
}
