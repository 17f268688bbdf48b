package io.tandem.database;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs work in one transaction on a pooled connection: committed when it returns, rolled back when it throws. */
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

  private static void rollbackQuietly(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }
}
