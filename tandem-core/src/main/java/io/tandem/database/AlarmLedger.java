package io.tandem.database;

import io.tandem.call.Serial;
import io.tandem.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Alarms as state in the call database. {@link #raise} and {@link #clear} change the state and append the
 * transition's event (ALARM_RAISED, ALARM_CLEARED) in one transaction, and only when the state changes: so each
 * transition is appended exactly once, whichever Recorder Manager sees it first and however often it restarts.
 * Both are acting writes of the RRC, fenced by the controller lease. Thread-safe.
 */
public final class AlarmLedger {
  public static final String RAISED = "ALARM_RAISED";
  public static final String CLEARED = "ALARM_CLEARED";
  /** The serial column of an alarm about the pair as a whole. */
  private static final int WHOLE_PAIR = 0;
  private static final String LIST = "SELECT pair_name, alarm, serial, raised_at, raised_event_id FROM alarms "
      + "ORDER BY pair_name, raised_at, alarm, serial";
  private static final String INSERT = "INSERT INTO alarms (pair_name, alarm, serial, raised_at, raised_event_id, "
      + "details) VALUES (?, ?, ?, ?, 0, ?::jsonb) ON CONFLICT DO NOTHING";
  private static final String NOTE_EVENT =
      "UPDATE alarms SET raised_event_id = ? WHERE pair_name = ? AND alarm = ? AND serial = ?";
  private static final String DELETE = "DELETE FROM alarms WHERE pair_name = ? AND alarm = ? AND serial = ? "
      + "RETURNING raised_at, raised_event_id, details";
  private static final String OPEN_GAPS = """
      WITH seen AS (SELECT coalesce(max(id), 0) AS last FROM events)
      SELECT seen.last, e.id, e.type, e.at, e.pair_name, e.details FROM seen
      LEFT JOIN events e ON e.type = 'GAP' AND e.id > ? AND e.id <= seen.last AND NOT EXISTS (
        SELECT 1 FROM interaction_keys k WHERE k.correlation_key = e.details->>'correlationKey')
        -- Repaired too when the copy itself is in the database, joined to a conversation under another key.
        AND NOT EXISTS (SELECT 1 FROM copy_inums ci JOIN copies c ON c.interaction_id = ci.interaction_id
                        AND c.inum = ci.inum WHERE ci.inum = (e.details->>'inum')::bigint)
      ORDER BY e.id""";

  private final DataSource dataSource;
  private final Clock clock;

  AlarmLedger(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Every alarm raised and not cleared, by pair. */
  public List<RaisedAlarm> raised() throws SQLException {
    List<RaisedAlarm> raised = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(LIST);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        int serial = rows.getInt(3);
        raised.add(new RaisedAlarm(rows.getString(1), rows.getString(2),
            serial == WHOLE_PAIR ? null : Serial.format(serial), rows.getTimestamp(4).toInstant(), rows.getLong(5)));
      }
    }
    return raised;
  }

  /**
   * Raises {@code alarm} of {@code pair} (about recorder {@code serial}, or the whole pair when null) unless it is
   * raised already; the id of the ALARM_RAISED event, empty when it was raised already. The event's details are
   * {@code alarm}, {@code serial} when given, then {@code details}.
   *
   * @throws LeaseLostException when the controller lease is no longer the fence's: nothing is written
   */
  public Optional<Long> raise(LeaderFence fence, String pair, String alarm, String serial,
      Map<String, Object> details) throws SQLException, LeaseLostException {
    Objects.requireNonNull(pair, "pair");
    Objects.requireNonNull(alarm, "alarm");
    Map<String, Object> all = eventDetails(alarm, serial, details);
    return ControllerLease.inFencedTransaction(dataSource, fence, connection -> {
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        bindKey(insert, 1, pair, alarm, serial);
        insert.setTimestamp(4, Timestamp.from(clock.instant()));
        insert.setString(5, Json.write(all));
        if (insert.executeUpdate() == 0) {
          return Optional.<Long>empty();
        }
      }
      long eventId = EventLog.append(connection, clock, RAISED, pair, all);
      try (PreparedStatement note = connection.prepareStatement(NOTE_EVENT)) {
        note.setLong(1, eventId);
        bindKey(note, 2, pair, alarm, serial);
        note.executeUpdate();
      }
      return Optional.of(eventId);
    });
  }

  /**
   * Clears {@code alarm} of {@code pair} if it is raised; the id of the ALARM_CLEARED event, empty when it was not
   * raised. Its details are those of the event that raised it, then {@code raisedAt}, {@code raisedEventId} and
   * {@code raisedSeconds}.
   *
   * @throws LeaseLostException when the controller lease is no longer the fence's: nothing is written
   */
  public Optional<Long> clear(LeaderFence fence, String pair, String alarm, String serial)
      throws SQLException, LeaseLostException {
    Objects.requireNonNull(pair, "pair");
    Objects.requireNonNull(alarm, "alarm");
    return ControllerLease.inFencedTransaction(dataSource, fence, connection -> {
      Map<String, Object> all;
      try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
        bindKey(delete, 1, pair, alarm, serial);
        try (ResultSet rows = delete.executeQuery()) {
          if (!rows.next()) {
            return Optional.<Long>empty();
          }
          Instant raisedAt = rows.getTimestamp(1).toInstant();
          all = new LinkedHashMap<>(EventLog.details(rows.getString(3)));
          all.put("raisedAt", raisedAt.toString());
          all.put("raisedEventId", rows.getLong(2));
          all.put("raisedSeconds", Duration.between(raisedAt, clock.instant()).toSeconds());
        }
      }
      return Optional.of(EventLog.append(connection, clock, CLEARED, pair, all));
    });
  }

  /** The GAP events after {@code afterEventId} whose conversation is still missing from the call database. */
  public OpenGaps openGaps(long afterEventId) throws SQLException {
    List<EventView> missing = new ArrayList<>();
    long last = afterEventId;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(OPEN_GAPS)) {
      query.setLong(1, afterEventId);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          last = Math.max(last, rows.getLong(1));
          if (rows.getObject(2) != null) {
            missing.add(new EventView(rows.getLong(2), rows.getString(3), rows.getTimestamp(4).toInstant(),
                rows.getString(5), EventLog.details(rows.getString(6))));
          }
        }
      }
    }
    return new OpenGaps(missing, last);
  }

  private static void bindKey(PreparedStatement statement, int first, String pair, String alarm, String serial)
      throws SQLException {
    statement.setString(first, pair);
    statement.setString(first + 1, alarm);
    statement.setInt(first + 2, serial == null ? WHOLE_PAIR : Serial.parse(serial));
  }

  private static Map<String, Object> eventDetails(String alarm, String serial, Map<String, Object> details) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("alarm", alarm);
    if (serial != null) {
      all.put("serial", serial);
    }
    all.putAll(details);
    return all;
  }
}
