package io.tandem.database;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;

/**
 * The one place that decides whether a failure of the call database is worth retrying (the database
 * is down, overloaded, restarting, or chose this transaction as a victim) or fatal (the request itself
 * is wrong). Retrying is safe because marking is idempotent. Stateless and thread-safe.
 */
public final class DatabaseErrors {
  private static final String QUERY_CANCELED = "57014";
  private static final Set<String> RETRYABLE_STATES = Set.of(
      "40001", // serialization failure
      "40P01", // deadlock detected
      "25P03", // idle in transaction too long: the server ended a session gone silent (a partition); a new one may go on
      "55P03", // lock not available
      // Cancelled: it ran past the statement timeout (a lock held by a stuck transaction, a database overloaded),
      // or an administrator cancelled it. Retried, it runs again once the lock is free or the load is gone.
      QUERY_CANCELED,
      "57P01", // admin shutdown
      "57P02", // crash shutdown
      "57P03"); // cannot connect now: starting up or shutting down

  private DatabaseErrors() {}

  /** True when some cause in {@code failure}'s chain says the database was unreachable or busy. */
  public static boolean isRetryable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (isRetryableCause(cause)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /**
   * True when some cause in {@code failure}'s chain is a statement the server cancelled (SQLSTATE 57014): it ran
   * longer than the statement timeout, or someone cancelled it by hand. Such a failure is retryable too.
   */
  public static boolean isStatementTimeout(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && QUERY_CANCELED.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** What an error {@link #isStatementTimeout} tells says, naming the setting and its value ({@code timeout}). */
  public static String statementTimeoutMessage(Duration timeout) {
    return "the call database took longer than database.statementTimeout (" + shortly(timeout)
        + ") and cancelled the statement";
  }

  /** A duration as the config files write it: 5m, 30s, 250ms. */
  private static String shortly(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0 || millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }

  private static boolean isRetryableCause(Throwable cause) {
    if (cause instanceof SQLTransientConnectionException
        || cause instanceof SocketException
        || cause instanceof SocketTimeoutException) {
      return true;
    }
    if (cause instanceof SQLException sql && sql.getSQLState() != null) {
      return isRetryableState(sql.getSQLState());
    }
    return false;
  }

  /** True for SQLState classes 08 (connection) and 53 (resources) and the listed transient states. */
  public static boolean isRetryableState(String sqlState) {
    return sqlState.startsWith("08") || sqlState.startsWith("53") || RETRYABLE_STATES.contains(sqlState);
  }
}
