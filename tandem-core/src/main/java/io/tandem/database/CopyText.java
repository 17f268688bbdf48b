package io.tandem.database;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.PGConnection;

/**
 * Rows in PostgreSQL's COPY text format, built in memory and sent with one COPY FROM STDIN. Values are
 * escaped, so any text (a correlation key from the capture source, participants JSON) arrives unchanged.
 * Not thread-safe: one batch, one thread.
 */
final class CopyText {
  private final StringBuilder rows;
  private boolean rowStarted;

  CopyText(int expectedRows) {
    rows = new StringBuilder(expectedRows * 128);
  }

  CopyText text(String value) {
    separate();
    if (value == null) {
      rows.append("\\N");
      return this;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> rows.append("\\\\");
        case '\t' -> rows.append("\\t");
        case '\n' -> rows.append("\\n");
        case '\r' -> rows.append("\\r");
        default -> rows.append(c);
      }
    }
    return this;
  }

  CopyText number(long value) {
    separate();
    rows.append(value);
    return this;
  }

  CopyText bool(boolean value) {
    separate();
    rows.append(value ? 't' : 'f');
    return this;
  }

  /** An instant as ISO-8601 UTC, which timestamptz reads without regard to the session's time zone. */
  CopyText instant(Instant value) {
    separate();
    rows.append(value == null ? "\\N" : value.toString());
    return this;
  }

  CopyText endRow() {
    rows.append('\n');
    rowStarted = false;
    return this;
  }

  /** Sends the rows with {@code copySql}, a {@code COPY ... FROM STDIN} statement in text format. */
  void copyIn(Connection connection, String copySql) throws SQLException {
    byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
    try {
      connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new SQLException("cannot send " + bytes.length + " bytes of rows with: " + copySql, e);
    }
  }

  private void separate() {
    if (rowStarted) {
      rows.append('\t');
    }
    rowStarted = true;
  }
}
