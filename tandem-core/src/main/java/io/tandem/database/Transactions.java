package io.tandem.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Runs work in one transaction on a pooled connection: committed when it returns, rolled back when it throws. Long
 * work (over many rows, or waiting for locks other long work holds) runs without the pool's statement timeout.
 */
final class Transactions {
  /** Work done on a connection inside a transaction. */
  @FunctionalInterface
  interface Work<T, E extends Exception> {
    T run(Connection connection) throws SQLException, E;
  }

  private Transactions() {}

  static <T, E extends Exception> T inTransaction(DataSource dataSource, Work<T, E> work) throws SQLException, E {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (Exception | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      }
    }
  }

  /**
   * Runs {@code work} as {@link #inTransaction} does, without the statement timeout: for work whose statements may
   * rightly run longer than a query of the console or the API, such as marking a batch or a scan of every row.
   */
  static <T, E extends Exception> T inLongTransaction(DataSource dataSource, Work<T, E> work)
      throws SQLException, E {
    return inTransaction(dataSource, connection -> {
      withoutStatementTimeout(connection);
      return work.run(connection);
    });
  }

  /**
   * Lifts the statement timeout for the rest of the connection's transaction (SET LOCAL): the session has it
   * again once the transaction ends, committed or rolled back. Call inside a transaction.
   */
  static void withoutStatementTimeout(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET LOCAL statement_timeout = 0");
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }
}
