package io.tandem.database;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * The one place that decides whether a failure of the call database is worth retrying (the database
 * is down, overloaded, restarting, or chose this transaction as a victim) or fatal (the request itself
 * is wrong). Retrying is safe because marking is idempotent. Stateless and thread-safe.
 */
public final class DatabaseErrors {
  private static final Set<String> RETRYABLE_STATES = Set.of(
      "40001", // serialization failure
      "40P01", // deadlock detected
      "25P03", // idle in transaction too long: the server ended a session gone silent (a partition); a new one may go on
      "55P03", // lock not available
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
