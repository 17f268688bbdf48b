package io.tandem.database;

import io.tandem.audit.AuditEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The legal holds of each pair. Adding and removing a hold writes its audit row in the same transaction, so a
 * change is never made unaudited nor audited unmade. Thread-safe.
 */
final class LegalHolds {
  private static final String COLUMNS = "id, pair_name, from_time, to_time, reason, created_at, created_by";
  private static final String INSERT = "INSERT INTO legal_holds (pair_name, from_time, to_time, reason, created_at, "
      + "created_by) SELECT name, ?, ?, ?, ?, ? FROM pairs WHERE name = ? RETURNING " + COLUMNS;
  private static final String OF_PAIR = "SELECT " + COLUMNS + " FROM legal_holds WHERE pair_name = ? "
      + "ORDER BY from_time, id";
  private static final String DELETE = "DELETE FROM legal_holds WHERE pair_name = ? AND id = ? RETURNING " + COLUMNS;

  private final DataSource dataSource;
  private final Clock clock;
  private final AuditLog auditLog;

  /** {@code auditLog} chains each change's audit row, written in the change's own transaction. */
  LegalHolds(DataSource dataSource, Clock clock, AuditLog auditLog) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.auditLog = auditLog;
  }

  /** Adds a hold to the pair and audits it; empty, changing nothing, when there is no such pair. */
  Optional<LegalHold> add(String pair, Instant from, Instant to, String reason, String actor)
      throws SQLException {
    return Transactions.inTransaction(dataSource, connection -> {
      LegalHold added;
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        insert.setTimestamp(1, Timestamp.from(from));
        insert.setTimestamp(2, Timestamp.from(to));
        insert.setString(3, reason);
        insert.setTimestamp(4, Timestamp.from(clock.instant()));
        insert.setString(5, actor);
        insert.setString(6, pair);
        try (ResultSet rows = insert.executeQuery()) {
          if (!rows.next()) {
            return Optional.empty();
          }
          added = read(rows);
        }
      }
      auditLog.append(connection, new AuditEntry(actor, "legal-hold-add", "pair " + pair, describe(added),
          "added as hold " + added.id()));
      return Optional.of(added);
    });
  }

  /** Removes a hold of the pair and audits it; empty, changing nothing, when the pair has no such hold. */
  Optional<LegalHold> remove(String pair, long id, String actor) throws SQLException {
    return Transactions.inTransaction(dataSource, connection -> {
      LegalHold removed;
      try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
        delete.setString(1, pair);
        delete.setLong(2, id);
        try (ResultSet rows = delete.executeQuery()) {
          if (!rows.next()) {
            return Optional.empty();
          }
          removed = read(rows);
        }
      }
      auditLog.append(connection, new AuditEntry(actor, "legal-hold-remove", "pair " + pair, describe(removed),
          "removed"));
      return Optional.of(removed);
    });
  }

  /** The pair's holds, by their start. */
  List<LegalHold> ofPair(String pair) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(OF_PAIR)) {
      query.setString(1, pair);
      List<LegalHold> holds = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          holds.add(read(rows));
        }
      }
      return holds;
    }
  }

  private static String describe(LegalHold hold) {
    return "hold " + hold.id() + " of pair " + hold.pair() + " on calls starting in [" + hold.from() + ", "
        + hold.to() + "): " + hold.reason();
  }

  private static LegalHold read(ResultSet rows) throws SQLException {
    return new LegalHold(rows.getLong(1), rows.getString(2), rows.getTimestamp(3).toInstant(),
        rows.getTimestamp(4).toInstant(), rows.getString(5), rows.getTimestamp(6).toInstant(), rows.getString(7));
  }
}
