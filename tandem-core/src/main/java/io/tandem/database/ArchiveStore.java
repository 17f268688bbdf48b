package io.tandem.database;

import io.tandem.archive.ArchiveRule;
import io.tandem.call.Inum;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/** Archive rules and the ledger of archived copies. Recording an archived copy again replaces its row. Thread-safe. */
final class ArchiveStore {
  private static final String LIST_RULES = """
      SELECT id, name, recorder_serial, min_duration_ms, target_path, enabled FROM archive_rules ORDER BY id""";
  private static final String ADD_RULE = """
      INSERT INTO archive_rules (name, recorder_serial, min_duration_ms, target_path, enabled)
      VALUES (?, ?, ?, ?, ?) RETURNING id""";
  private static final String UPDATE_RULE = """
      UPDATE archive_rules SET name = ?, recorder_serial = ?, min_duration_ms = ?, target_path = ?, enabled = ?
      WHERE id = ?""";
  private static final String RECORD_ARCHIVED = """
      INSERT INTO archived_copies (inum, location, sha256, bytes, archived_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (inum) DO UPDATE SET location = EXCLUDED.location, sha256 = EXCLUDED.sha256,
        bytes = EXCLUDED.bytes, archived_at = EXCLUDED.archived_at""";

  private final DataSource dataSource;
  private final Clock clock;

  ArchiveStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  List<ArchiveRule> rules() throws SQLException {
    List<ArchiveRule> rules = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(LIST_RULES);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        int serial = rows.getInt(3);
        Integer recorderSerial = rows.wasNull() ? null : serial;
        rules.add(new ArchiveRule(rows.getLong(1), rows.getString(2), recorderSerial, rows.getLong(4),
            Path.of(rows.getString(5)), rows.getBoolean(6)));
      }
    }
    return rules;
  }

  ArchiveRule addRule(String name, Integer recorderSerial, long minDurationMillis, Path target, boolean enabled)
      throws SQLException {
    // Validates the arguments before anything is written.
    new ArchiveRule(0, name, recorderSerial, minDurationMillis, target, enabled);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(ADD_RULE)) {
      setRule(insert, name, recorderSerial, minDurationMillis, target, enabled);
      try (ResultSet rows = insert.executeQuery()) {
        rows.next();
        return new ArchiveRule(rows.getLong(1), name, recorderSerial, minDurationMillis, target, enabled);
      }
    }
  }

  /** Replaces every setting of rule {@code rule.id()}; false when there is no such rule. */
  boolean updateRule(ArchiveRule rule) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(UPDATE_RULE)) {
      setRule(update, rule.name(), rule.recorderSerial(), rule.minDurationMillis(), rule.target(), rule.enabled());
      update.setLong(6, rule.id());
      return update.executeUpdate() == 1;
    }
  }

  /** Removes a rule (what it archived stays archived); false when there is no such rule. */
  boolean removeRule(long id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete = connection.prepareStatement("DELETE FROM archive_rules WHERE id = ?")) {
      delete.setLong(1, id);
      return delete.executeUpdate() == 1;
    }
  }

  private static void setRule(PreparedStatement statement, String name, Integer recorderSerial,
      long minDurationMillis, Path target, boolean enabled) throws SQLException {
    statement.setString(1, name);
    if (recorderSerial == null) {
      statement.setNull(2, Types.INTEGER);
    } else {
      statement.setInt(2, recorderSerial);
    }
    statement.setLong(3, minDurationMillis);
    statement.setString(4, target.toString());
    statement.setBoolean(5, enabled);
  }

  void recordArchived(Inum inum, String location, String sha256, long bytes) throws SQLException {
    Objects.requireNonNull(inum, "inum");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(sha256, "sha256");
    if (bytes < 0) {
      throw new IllegalArgumentException("archived bytes must be >= 0, got " + bytes);
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(RECORD_ARCHIVED)) {
      insert.setLong(1, inum.value());
      insert.setString(2, location);
      insert.setString(3, sha256);
      insert.setLong(4, bytes);
      insert.setTimestamp(5, Timestamp.from(clock.instant()));
      insert.executeUpdate();
    }
  }
}
