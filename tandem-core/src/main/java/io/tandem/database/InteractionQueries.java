package io.tandem.database;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tandem.call.CallRole;
import io.tandem.call.DtmfEvent;
import io.tandem.call.Inum;
import io.tandem.call.Participant;
import io.tandem.call.Serial;
import io.tandem.json.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Read-only queries over interactions and their copies for the Recorder Manager; tombstones (keys that name
 * another interaction) are never shown or counted. Thread-safe.
 */
final class InteractionQueries {
  private static final String COLUMNS = "id, correlation_key, start_time, end_time, best_inum, participants";
  private static final String IN_RANGE = "SELECT " + COLUMNS
      + " FROM interactions WHERE start_time >= ? AND start_time < ? AND merged_into IS NULL"
      + " ORDER BY start_time, id LIMIT ?";
  private static final String RECENT = "SELECT " + COLUMNS
      + " FROM interactions WHERE merged_into IS NULL ORDER BY start_time DESC, id DESC LIMIT ?";
  private static final String ONE = "SELECT " + COLUMNS + " FROM interactions WHERE id = ? AND merged_into IS NULL";
  private static final String COPIES_OF = """
      SELECT interaction_id, inum, serial, call_role, complete, quirks, dtmf FROM copies
      WHERE interaction_id = ANY(?::bigint[]) ORDER BY interaction_id, inum""";
  private static final String BEST_SOURCE = """
      SELECT c.inum, c.serial, r.admin_url, a.location
      FROM interactions i JOIN copies c ON c.inum = i.best_inum
      LEFT JOIN recorders r ON r.serial = c.serial
      LEFT JOIN archived_copies a ON a.inum = c.inum
      WHERE i.id = ? AND i.merged_into IS NULL""";
  private static final TypeReference<List<Participant>> PARTICIPANTS = new TypeReference<>() {};
  private static final TypeReference<List<String>> QUIRKS = new TypeReference<>() {};
  private static final TypeReference<List<DtmfEvent>> DTMF = new TypeReference<>() {};

  private final DataSource dataSource;

  InteractionQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  List<InteractionView> inRange(Instant from, Instant to, int limit) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(IN_RANGE)) {
      query.setTimestamp(1, Timestamp.from(from));
      query.setTimestamp(2, Timestamp.from(to));
      query.setInt(3, limit);
      return withCopies(connection, readInteractions(query, false));
    }
  }

  List<InteractionView> recent(int limit) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(RECENT)) {
      query.setInt(1, limit);
      return withCopies(connection, readInteractions(query, false));
    }
  }

  Optional<InteractionView> one(long id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(ONE)) {
      query.setLong(1, id);
      return withCopies(connection, readInteractions(query, true)).stream().findFirst();
    }
  }

  Optional<MediaSource> bestCopySource(long interactionId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(BEST_SOURCE)) {
      query.setLong(1, interactionId);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(new MediaSource(new Inum(rows.getLong(1)), rows.getInt(2), rows.getString(3),
            rows.getString(4)));
      }
    }
  }

  long count() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(
            "SELECT count(*) FROM interactions WHERE merged_into IS NULL");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Of the INUMs given, those that are copies. */
  Set<Long> existingCopies(long[] inums) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(
            "SELECT inum FROM copies WHERE inum = ANY(?::bigint[])")) {
      query.setArray(1, connection.unwrap(PGConnection.class).createArrayOf("bigint", inums));
      Set<Long> found = new HashSet<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getLong(1));
        }
      }
      return found;
    }
  }

  private static List<InteractionView> readInteractions(PreparedStatement query, boolean withParticipants)
      throws SQLException {
    List<InteractionView> result = new ArrayList<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        long best = rows.getLong(5);
        String bestInum = rows.wasNull() ? null : new Inum(best).toString();
        result.add(new InteractionView(rows.getLong(1), rows.getString(2), instant(rows, 3), instant(rows, 4),
            bestInum, List.of(), withParticipants ? participants(rows.getString(6)) : null));
      }
    }
    return result;
  }

  private static List<InteractionView> withCopies(Connection connection, List<InteractionView> interactions)
      throws SQLException {
    if (interactions.isEmpty()) {
      return interactions;
    }
    Map<Long, List<CopyView>> copies = new HashMap<>();
    Long[] ids = interactions.stream().map(InteractionView::id).toArray(Long[]::new);
    try (PreparedStatement query = connection.prepareStatement(COPIES_OF)) {
      query.setArray(1, connection.createArrayOf("bigint", ids));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          copies.computeIfAbsent(rows.getLong(1), k -> new ArrayList<>()).add(new CopyView(
              new Inum(rows.getLong(2)).toString(), Serial.format(rows.getInt(3)),
              CallRole.valueOf(rows.getString(4)), rows.getBoolean(5), true, list(rows.getString(6), QUIRKS),
              list(rows.getString(7), DTMF)));
        }
      }
    }
    List<InteractionView> result = new ArrayList<>(interactions.size());
    for (InteractionView view : interactions) {
      result.add(new InteractionView(view.id(), view.correlationKey(), view.start(), view.end(), view.bestInum(),
          copies.getOrDefault(view.id(), List.of()), view.participants()));
    }
    return result;
  }

  private static Instant instant(ResultSet rows, int column) throws SQLException {
    Timestamp value = rows.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  private static <T> List<T> list(String json, TypeReference<List<T>> type) throws SQLException {
    if (json == null || json.equals("[]")) {
      return List.of();
    }
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new SQLException("a copy's column is not the JSON list it should be: " + json, e);
    }
  }

  private static List<Participant> participants(String json) throws SQLException {
    try {
      return Json.MAPPER.readValue(json, PARTICIPANTS);
    } catch (IOException e) {
      throw new SQLException("participants of an interaction are not a JSON list of participants: " + json, e);
    }
  }
}
