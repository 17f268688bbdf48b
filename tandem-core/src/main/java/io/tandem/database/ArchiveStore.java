package io.tandem.database;

import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchiveTarget;
import io.tandem.archive.ArchivedCopy;
import io.tandem.archive.ObjectLock;
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

/**
 * Archive rules and the ledger of archived copies. A rule's folder, or its S3 target's key prefix, is kept in
 * {@code target_path}. Recording an archived copy again replaces its row. Thread-safe.
 */
final class ArchiveStore {
  private static final String RULE_COLUMNS = "name, recorder_serial, min_duration_ms, target_path, enabled, "
      + "s3_target, retention_mode, retention_days, legal_hold";
  private static final String LIST_RULES = "SELECT id, " + RULE_COLUMNS + " FROM archive_rules ORDER BY id";
  private static final String ADD_RULE = "INSERT INTO archive_rules (" + RULE_COLUMNS
      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
  private static final String UPDATE_RULE = """
      UPDATE archive_rules SET name = ?, recorder_serial = ?, min_duration_ms = ?, target_path = ?, enabled = ?,
        s3_target = ?, retention_mode = ?, retention_days = ?, legal_hold = ?
      WHERE id = ?""";
  private static final String RECORD_ARCHIVED = """
      INSERT INTO archived_copies (inum, location, sha256, bytes, archived_at, retention_mode, retain_until,
        legal_hold)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (inum) DO UPDATE SET location = EXCLUDED.location, sha256 = EXCLUDED.sha256,
        bytes = EXCLUDED.bytes, archived_at = EXCLUDED.archived_at, retention_mode = EXCLUDED.retention_mode,
        retain_until = EXCLUDED.retain_until, legal_hold = EXCLUDED.legal_hold""";

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
        rules.add(rule(rows));
      }
    }
    return rules;
  }

  private static ArchiveRule rule(ResultSet rows) throws SQLException {
    int serial = rows.getInt(3);
    Integer recorderSerial = rows.wasNull() ? null : serial;
    String s3Target = rows.getString(7);
    ArchiveTarget target = s3Target == null ? new ArchiveTarget.Folder(Path.of(rows.getString(5)))
        : new ArchiveTarget.S3(s3Target, rows.getString(5));
    String mode = rows.getString(8);
    ObjectLock lock = new ObjectLock(mode == null ? null : ObjectLock.RetentionMode.valueOf(mode), rows.getInt(9),
        rows.getBoolean(10));
    return new ArchiveRule(rows.getLong(1), rows.getString(2), recorderSerial, rows.getLong(4), target, lock,
        rows.getBoolean(6));
  }

  ArchiveRule addRule(ArchiveRule rule) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(ADD_RULE)) {
      setRule(insert, rule);
      try (ResultSet rows = insert.executeQuery()) {
        rows.next();
        return rule.withId(rows.getLong(1));
      }
    }
  }

  /** Replaces every setting of rule {@code rule.id()}; false when there is no such rule. */
  boolean updateRule(ArchiveRule rule) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(UPDATE_RULE)) {
      setRule(update, rule);
      update.setLong(10, rule.id());
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

  private static void setRule(PreparedStatement statement, ArchiveRule rule) throws SQLException {
    statement.setString(1, rule.name());
    if (rule.recorderSerial() == null) {
      statement.setNull(2, Types.INTEGER);
    } else {
      statement.setInt(2, rule.recorderSerial());
    }
    statement.setLong(3, rule.minDurationMillis());
    switch (rule.target()) {
      case ArchiveTarget.Folder folder -> {
        statement.setString(4, folder.folder().toString());
        statement.setNull(6, Types.VARCHAR);
      }
      case ArchiveTarget.S3 s3 -> {
        statement.setString(4, s3.prefix());
        statement.setString(6, s3.name());
      }
    }
    statement.setBoolean(5, rule.enabled());
    ObjectLock lock = rule.lock();
    statement.setString(7, lock.mode() == null ? null : lock.mode().name());
    if (lock.mode() == null) {
      statement.setNull(8, Types.INTEGER);
    } else {
      statement.setInt(8, lock.retentionDays());
    }
    statement.setBoolean(9, lock.legalHold());
  }

  void recordArchived(Inum inum, ArchivedCopy copy) throws SQLException {
    Objects.requireNonNull(inum, "inum");
    Objects.requireNonNull(copy, "copy");
    if (copy.bytes() < 0) {
      throw new IllegalArgumentException("archived bytes must be >= 0, got " + copy.bytes());
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(RECORD_ARCHIVED)) {
      insert.setLong(1, inum.value());
      insert.setString(2, copy.location());
      insert.setString(3, copy.sha256());
      insert.setLong(4, copy.bytes());
      insert.setTimestamp(5, Timestamp.from(clock.instant()));
      insert.setString(6, copy.retentionMode() == null ? null : copy.retentionMode().name());
      insert.setTimestamp(7, copy.retainUntil() == null ? null : Timestamp.from(copy.retainUntil()));
      insert.setBoolean(8, copy.legalHold());
      insert.executeUpdate();
    }
  }
}
