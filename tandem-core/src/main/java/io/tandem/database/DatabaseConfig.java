package io.tandem.database;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the call database is, how many connections to keep to it, and how long one statement may run. Immutable;
 * validated when built.
 *
 * @param password may be empty, never null
 * @param poolSize the most connections the pool opens, 1 to 100
 * @param statementTimeout how long the server lets one statement of a pooled session run before it cancels it
 *     (SQLSTATE 57014); zero for no limit. Work over many rows lifts it for its own transaction
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, int poolSize, Duration statementTimeout) {
  /** Far above any query of the console or the API on a healthy database, far below a session stuck for good. */
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMinutes(5);
  /** PostgreSQL keeps statement_timeout in milliseconds in a signed 32-bit integer. */
  private static final Duration LONGEST_STATEMENT_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

  public DatabaseConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, got '" + jdbcUrl + "'");
    }
    Objects.requireNonNull(user, "user");
    password = password == null ? "" : password;
    if (poolSize < 1 || poolSize > 100) {
      throw new IllegalArgumentException("poolSize must be 1..100, got " + poolSize);
    }
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    if (statementTimeout.isNegative() || statementTimeout.compareTo(LONGEST_STATEMENT_TIMEOUT) > 0) {
      throw new IllegalArgumentException("statementTimeout must be 0 (no limit) to " + LONGEST_STATEMENT_TIMEOUT
          .toMillis() + " ms, got " + statementTimeout.toMillis() + " ms");
    }
  }

  /** The default statement timeout. */
  public DatabaseConfig(String jdbcUrl, String user, String password, int poolSize) {
    this(jdbcUrl, user, password, poolSize, DEFAULT_STATEMENT_TIMEOUT);
  }

  /** This config with {@code timeout} as the statement timeout. */
  public DatabaseConfig withStatementTimeout(Duration timeout) {
    return new DatabaseConfig(jdbcUrl, user, password, poolSize, timeout);
  }

  @Override
  public String toString() {
    return "DatabaseConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", poolSize=" + poolSize + ", statementTimeout="
        + statementTimeout + "]";
  }
}
