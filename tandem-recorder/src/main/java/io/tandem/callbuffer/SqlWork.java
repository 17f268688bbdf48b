package io.tandem.callbuffer;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work against the local store's connection, run by {@link LocalStore} under its lock. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
