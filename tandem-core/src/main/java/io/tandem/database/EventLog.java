package io.tandem.database;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tandem.json.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/** The append-only event log and the audit trail. Rows are only ever inserted. Thread-safe. */
final class EventLog {
  private static final String APPEND_EVENT =
      "INSERT INTO events (type, at, pair_name, details) VALUES (?, ?, ?, ?::jsonb) RETURNING id";
  private static final String LIST_EVENTS = "SELECT id, type, at, pair_name, details FROM events ORDER BY id";
  private static final String APPEND_AUDIT =
      "INSERT INTO audit (at, actor, action, detail, result) VALUES (?, ?, ?, ?, ?)";
  private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {};

  private final DataSource dataSource;
  private final Clock clock;

  EventLog(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  long appendEvent(String type, String pairName, Map<String, Object> details) throws SQLException {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(details, "details");
    try (Connection connection = dataSource.getConnection()) {
      return append(connection, clock, type, pairName, details);
    }
  }

  /** Appends an event on the caller's connection, so that it commits or rolls back with the caller's work. */
  static long append(Connection connection, Clock clock, String type, String pairName, Map<String, Object> details)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(APPEND_EVENT)) {
      insert.setString(1, type);
      insert.setTimestamp(2, Timestamp.from(clock.instant()));
      insert.setString(3, pairName);
      insert.setString(4, Json.write(details));
      try (ResultSet rows = insert.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  List<EventView> events() throws SQLException {
    List<EventView> events = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(LIST_EVENTS);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        events.add(new EventView(rows.getLong(1), rows.getString(2), rows.getTimestamp(3).toInstant(),
            rows.getString(4), details(rows.getString(5))));
      }
    }
    return events;
  }

  void audit(String actor, String action, String detail, String result) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(APPEND_AUDIT)) {
      insert.setTimestamp(1, Timestamp.from(clock.instant()));
      insert.setString(2, Objects.requireNonNull(actor, "actor"));
      insert.setString(3, Objects.requireNonNull(action, "action"));
      insert.setString(4, Objects.requireNonNull(detail, "detail"));
      insert.setString(5, Objects.requireNonNull(result, "result"));
      insert.executeUpdate();
    }
  }

  private static Map<String, Object> details(String json) throws SQLException {
    try {
      return Json.MAPPER.readValue(json, DETAILS);
    } catch (IOException e) {
      throw new SQLException("details of an event are not a JSON object: " + json, e);
    }
  }
}
