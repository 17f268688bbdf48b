package io.tandem.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The reprocesses the Managers started, kept from their start until one is seen to end, so that retention on any
 * Manager knows which calls may still be marked again. Thread-safe.
 */
public final class ReprocessJobs {
  private static final String INSERT = """
      INSERT INTO reprocess_jobs (id, serial, recorder_job_id, from_time, to_time, started_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""";
  private static final String OPEN = """
      SELECT id, serial, recorder_job_id, from_time, to_time, started_at FROM reprocess_jobs
      WHERE ended_at IS NULL AND from_time <= ? AND to_time > ? ORDER BY started_at, id""";
  private static final String END = "UPDATE reprocess_jobs SET ended_at = ? WHERE id = ? AND ended_at IS NULL";

  /** A reprocess not yet seen to end: of the calls of recorder {@code serial} that start in {@code [from, to)}. */
  public record OpenReprocess(String id, int serial, String recorderJobId, Instant from, Instant to,
      Instant startedAt) {}

  private final DataSource dataSource;
  private final Clock clock;

  ReprocessJobs(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Keeps a reprocess just started, under the Manager's job id. */
  public void started(String id, int serial, String recorderJobId, Instant from, Instant to) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, id);
      insert.setInt(2, serial);
      insert.setString(3, recorderJobId);
      insert.setTimestamp(4, Timestamp.from(from));
      insert.setTimestamp(5, Timestamp.from(to));
      insert.setTimestamp(6, Timestamp.from(clock.instant()));
      insert.executeUpdate();
    }
  }

  /** The reprocesses not yet seen to end whose range meets {@code [from, to]}, oldest first. */
  public List<OpenReprocess> openBetween(Instant from, Instant to) throws SQLException {
    List<OpenReprocess> open = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(OPEN)) {
      query.setTimestamp(1, Timestamp.from(to));
      query.setTimestamp(2, Timestamp.from(from));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          open.add(new OpenReprocess(rows.getString(1), rows.getInt(2), rows.getString(3),
              rows.getTimestamp(4).toInstant(), rows.getTimestamp(5).toInstant(), rows.getTimestamp(6).toInstant()));
        }
      }
    }
    return open;
  }

  /** Marks a reprocess ended (done, failed, or no longer known to its recorder). */
  public void ended(String id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(END)) {
      update.setTimestamp(1, Timestamp.from(clock.instant()));
      update.setString(2, id);
      update.executeUpdate();
    }
  }
}
