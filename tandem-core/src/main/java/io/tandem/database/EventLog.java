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

/**
 * The append-only event log. Rows are only ever inserted. Events become visible in the
 * order of their ids: each append takes one transaction-wide lock, held until its transaction ends, so that an
 * event never commits after an event with a higher id, and a reader that has seen event N has seen every event
 * before it (what a delivery that remembers the last id it sent relies on). Thread-safe.
 */
final class EventLog {
  /** The key of the lock that orders appends: any constant that no other lock of the schema uses. */
  private static final long APPEND_LOCK = 0x54414E44454D01L;
  private static final String LOCK_APPENDS = "SELECT pg_advisory_xact_lock(?)";
  private static final String APPEND_EVENT =
      "INSERT INTO events (type, at, pair_name, details) VALUES (?, ?, ?, ?::jsonb) RETURNING id";
  private static final String LIST_EVENTS = "SELECT id, type, at, pair_name, details FROM events ORDER BY id";
  private static final String EVENTS_AFTER =
      "SELECT id, type, at, pair_name, details FROM events WHERE id > ? ORDER BY id LIMIT ?";
  private static final String NEWEST_EVENTS = """
      SELECT id, type, at, pair_name, details
      FROM (SELECT id, type, at, pair_name, details FROM events ORDER BY id DESC LIMIT ?) newest ORDER BY id""";
  private static final String LAST_ID = "SELECT coalesce(max(id), 0) FROM events";
  private static final String LATEST_BY_PAIR = """
      SELECT DISTINCT ON (pair_name) id, type, at, pair_name, details FROM events
      WHERE type = ? AND pair_name IS NOT NULL ORDER BY pair_name, id DESC""";
  private static final String LATEST_BY_SERIAL = """
      SELECT DISTINCT ON (details->>'serial') id, type, at, pair_name, details FROM events
      WHERE type = ANY(?) AND details->>'serial' IS NOT NULL ORDER BY details->>'serial', id DESC""";
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
    return Transactions.inTransaction(dataSource, connection -> append(connection, clock, type, pairName, details));
  }

  /** Appends an event as an acting write of the RRC: committed only while the controller lease is the fence's. */
  long appendEvent(LeaderFence fence, String type, String pairName, Map<String, Object> details)
      throws SQLException, LeaseLostException {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(details, "details");
    return ControllerLease.inFencedTransaction(dataSource, fence,
        connection -> append(connection, clock, type, pairName, details));
  }

  /**
   * Appends an event on the caller's connection, inside the caller's transaction (never in autocommit), so that
   * it commits or rolls back with the caller's work. Appends of other transactions wait until this one ends.
   */
  static long append(Connection connection, Clock clock, String type, String pairName, Map<String, Object> details)
      throws SQLException {
    if (connection.getAutoCommit()) {
      throw new IllegalStateException("an event is appended inside a transaction, so that ids commit in order");
    }
    try (PreparedStatement lock = connection.prepareStatement(LOCK_APPENDS)) {
      lock.setLong(1, APPEND_LOCK);
      lock.execute();
    }
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
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(LIST_EVENTS)) {
      return list(query);
    }
  }

  List<EventView> eventsAfter(long id, int limit) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(EVENTS_AFTER)) {
      query.setLong(1, id);
      query.setInt(2, limit);
      return list(query);
    }
  }

  List<EventView> newest(int limit) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(NEWEST_EVENTS)) {
      query.setInt(1, limit);
      return list(query);
    }
  }

  long lastEventId() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(LAST_ID);
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  List<EventView> latestByPair(String type) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(LATEST_BY_PAIR)) {
      query.setString(1, type);
      return list(query);
    }
  }

  List<EventView> latestBySerial(List<String> types) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(LATEST_BY_SERIAL)) {
      query.setArray(1, connection.createArrayOf("text", types.toArray()));
      return list(query);
    }
  }

  static List<EventView> list(PreparedStatement query) throws SQLException {
    List<EventView> events = new ArrayList<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        events.add(new EventView(rows.getLong(1), rows.getString(2), rows.getTimestamp(3).toInstant(),
            rows.getString(4), details(rows.getString(5))));
      }
    }
    return events;
  }

  static Map<String, Object> details(String json) throws SQLException {
    try {
      return Json.MAPPER.readValue(json, DETAILS);
    } catch (IOException e) {
      throw new SQLException("details of an event are not a JSON object: " + json, e);
    }
  }
}
