package io.tandem.database;

import io.tandem.audit.AuditEntry;
import io.tandem.audit.AuditHash;
import io.tandem.audit.AuditRow;
import io.tandem.audit.AuditVerdict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The audit, hash-chained: each row holds the SHA-256 of the row before it and of its own fields ({@link AuditHash}).
 * Appends lock the one-row chain head ({@code SELECT ... FOR UPDATE}) for their transaction, so the chain is
 * linear whatever process appends, and a row is durable when {@link #append} returns. The application's database
 * role may not change or delete rows; {@link #verify} finds the first row someone with more rights changed or
 * deleted. Thread-safe.
 */
final class AuditLog {
  private static final String LOCK_HEAD = "SELECT last_id, hash, row_count FROM audit_chain WHERE id = 1 FOR UPDATE";
  private static final String NEXT_ID = "SELECT nextval(pg_get_serial_sequence('audit', 'id'))";
  private static final String INSERT = "INSERT INTO audit (id, at, actor, action, target, detail, result, prev_hash, "
      + "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String MOVE_HEAD = "UPDATE audit_chain SET last_id = ?, hash = ?, row_count = row_count + 1 "
      + "WHERE id = 1";
  private static final String COLUMNS = "SELECT id, at, actor, action, target, detail, result, prev_hash, hash "
      + "FROM audit ";
  private static final String HEAD = "SELECT last_id, hash, row_count FROM audit_chain WHERE id = 1";

  private final DataSource dataSource;
  private final Clock clock;

  AuditLog(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  AuditRow append(AuditEntry entry) throws SQLException {
    Objects.requireNonNull(entry, "entry");
    return Transactions.inTransaction(dataSource, connection -> append(connection, entry));
  }

  /** Appends as an acting write of the RRC: committed only while the controller lease is the fence's. */
  AuditRow append(LeaderFence fence, AuditEntry entry) throws SQLException, LeaseLostException {
    Objects.requireNonNull(entry, "entry");
    return ControllerLease.inFencedTransaction(dataSource, fence, connection -> append(connection, entry));
  }

  /** Appends on the caller's connection, inside its transaction: the row commits or rolls back with its work. */
  AuditRow append(Connection connection, AuditEntry entry) throws SQLException {
    String previous;
    try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD); ResultSet head = lock.executeQuery()) {
      if (!head.next()) {
        throw new SQLException("the audit chain head is missing: the audit cannot be appended to", "55000");
      }
      previous = head.getString(2);
    }
    long id;
    try (PreparedStatement next = connection.prepareStatement(NEXT_ID); ResultSet rows = next.executeQuery()) {
      rows.next();
      id = rows.getLong(1);
    }
    Instant at = AuditHash.stored(clock.instant());
    String hash = AuditHash.of(id, at, entry, previous);
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setLong(1, id);
      insert.setTimestamp(2, Timestamp.from(at));
      insert.setString(3, entry.actor());
      insert.setString(4, entry.action());
      insert.setString(5, entry.target());
      insert.setString(6, entry.detail());
      insert.setString(7, entry.result());
      insert.setString(8, previous);
      insert.setString(9, hash);
      insert.executeUpdate();
    }
    try (PreparedStatement move = connection.prepareStatement(MOVE_HEAD)) {
      move.setLong(1, id);
      move.setString(2, hash);
      move.executeUpdate();
    }
    return new AuditRow(id, at, entry.actor(), entry.action(), entry.target(), entry.detail(), entry.result(),
        previous, hash);
  }

  /** The {@code limit} newest rows, newest first. */
  List<AuditRow> recent(int limit) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(COLUMNS + "ORDER BY id DESC LIMIT ?")) {
      query.setInt(1, limit);
      List<AuditRow> rows = new ArrayList<>();
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          rows.add(row(result));
        }
      }
      return rows;
    }
  }

  /** Walks the whole chain in id order, then compares its end with the chain head. */
  AuditVerdict verify() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      // A cursor, so that a long audit is read in pages rather than at once.
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      try {
        // A walk of the whole chain, which only grows, takes longer than the statement timeout one day.
        Transactions.withoutStatementTimeout(connection);
        return verify(connection);
      } finally {
        connection.rollback();
        connection.setReadOnly(false);
        connection.setAutoCommit(true);
      }
    }
  }

  private AuditVerdict verify(Connection connection) throws SQLException {
    long checked = 0;
    AuditRow last = null;
    try (PreparedStatement query = connection.prepareStatement(COLUMNS + "ORDER BY id")) {
      query.setFetchSize(1_000);
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          AuditRow row = row(result);
          String expectedPrevious = last == null ? AuditHash.GENESIS : last.hash();
          if (!expectedPrevious.equals(row.prevHash())) {
            return AuditVerdict.broken(checked, row.id(), last == null
                ? "it is the first row but names " + row.prevHash() + " as the hash before it: the rows before it "
                    + "were deleted"
                : "it names " + row.prevHash() + " as the hash of the row before it, but row " + last.id()
                    + " has " + last.hash() + ": rows between " + last.id() + " and " + row.id()
                    + " were deleted, or row " + last.id() + " was changed and hashed again");
          }
          String recomputed = AuditHash.of(row.id(), row.at(), row.entry(), row.prevHash());
          if (!recomputed.equals(row.hash())) {
            return AuditVerdict.broken(checked, row.id(), "its fields do not match its hash: it was changed after "
                + "it was written");
          }
          checked++;
          last = row;
        }
      }
    }
    return againstHead(connection, checked, last);
  }

  private static AuditVerdict againstHead(Connection connection, long checked, AuditRow last) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(HEAD); ResultSet head = query.executeQuery()) {
      if (!head.next()) {
        return AuditVerdict.broken(checked, last == null ? 0 : last.id(), "the chain head is missing");
      }
      long lastId = head.getLong(1);
      String hash = head.getString(2);
      long count = head.getLong(3);
      long tableLast = last == null ? 0 : last.id();
      if (lastId != tableLast || count != checked) {
        return AuditVerdict.broken(checked, lastId, "the chain head names row " + lastId + " as the last of " + count
            + " rows, but the table ends at row " + tableLast + " after " + checked + " rows: rows were deleted "
            + (lastId > tableLast ? "after row " + tableLast : "or added around the chain"));
      }
      if (last != null && !hash.equals(last.hash())) {
        return AuditVerdict.broken(checked, lastId, "the chain head holds " + hash + " as its hash, not "
            + last.hash() + ": the last row was changed and hashed again");
      }
      return AuditVerdict.intact(checked);
    }
  }

  private static AuditRow row(ResultSet result) throws SQLException {
    return new AuditRow(result.getLong(1), result.getTimestamp(2).toInstant(), result.getString(3),
        result.getString(4), result.getString(5), result.getString(6), result.getString(7), result.getString(8),
        result.getString(9));
  }
}
