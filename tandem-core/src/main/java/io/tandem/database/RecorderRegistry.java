package io.tandem.database;

import io.tandem.call.Position;
import io.tandem.call.Role;
import io.tandem.call.Serial;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Pairs and their recorders: registration at a recorder's start, and the view the Recorder Manager
 * shows. Registrations in one pair are serialised by a lock on the pair's row. Thread-safe.
 */
final class RecorderRegistry {
  private static final String CREATE_PAIR = "INSERT INTO pairs (name) VALUES (?) ON CONFLICT (name) DO NOTHING";
  private static final String LOCK_PAIR =
      "SELECT epoch, rollback_window_seconds, gap_policy FROM pairs WHERE name = ? FOR UPDATE";
  private static final String FIND_RECORDER = "SELECT pair, position, role FROM recorders WHERE serial = ?";
  private static final String FIND_HOLDER = "SELECT serial FROM recorders WHERE pair = ? AND position = ?";
  private static final String INSERT_RECORDER = """
      INSERT INTO recorders (serial, pair, position, role, admin_url, sip_address, registered_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";
  private static final String UPDATE_RECORDER =
      "UPDATE recorders SET admin_url = ?, sip_address = ?, last_seen_at = ? WHERE serial = ?";
  private static final String LIST_PAIRS = """
      SELECT p.name, p.epoch, p.rollback_window_seconds, p.failback_policy, p.gap_policy, p.match_tolerance_ms,
             r.serial, r.position, r.role, r.admin_url, r.sip_address
      FROM pairs p LEFT JOIN recorders r ON r.pair = p.name
      ORDER BY p.name, r.position DESC""";

  private final DataSource dataSource;
  private final Clock clock;

  RecorderRegistry(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  RecorderAssignment register(RecorderRegistration registration) throws SQLException {
    return Transactions.inTransaction(dataSource, connection -> {
      try (PreparedStatement create = connection.prepareStatement(CREATE_PAIR)) {
        create.setString(1, registration.pair());
        create.executeUpdate();
      }
      long epoch;
      Duration window;
      boolean promoteGaps;
      try (PreparedStatement lock = connection.prepareStatement(LOCK_PAIR)) {
        lock.setString(1, registration.pair());
        try (ResultSet rows = lock.executeQuery()) {
          rows.next();
          epoch = rows.getLong(1);
          window = Duration.ofSeconds(rows.getLong(2));
          promoteGaps = "promote".equals(rows.getString(3));
        }
      }
      Role role = knownRole(connection, registration);
      Timestamp now = Timestamp.from(clock.instant());
      if (role == null) {
        refusePositionTaken(connection, registration);
        role = registration.position() == Position.MAIN ? Role.PRIMARY : Role.SECONDARY;
        insertRecorder(connection, registration, role, now);
      } else {
        updateRecorder(connection, registration, now);
      }
      return new RecorderAssignment(role, epoch, window, promoteGaps);
    });
  }

  private static Role knownRole(Connection connection, RecorderRegistration registration) throws SQLException {
    try (PreparedStatement find = connection.prepareStatement(FIND_RECORDER)) {
      find.setInt(1, registration.serial());
      try (ResultSet rows = find.executeQuery()) {
        if (!rows.next()) {
          return null;
        }
        String pair = rows.getString(1);
        Position position = Position.valueOf(rows.getString(2));
        if (!pair.equals(registration.pair())) {
          throw new IllegalArgumentException("recorder " + registration.serial() + " is registered in pair '"
              + pair + "' and cannot move to pair '" + registration.pair() + "'");
        }
        if (position != registration.position()) {
          throw new IllegalArgumentException("recorder " + registration.serial() + " is registered as "
              + position + " of pair '" + pair + "' and cannot become its " + registration.position());
        }
        return Role.valueOf(rows.getString(3));
      }
    }
  }

  private static void refusePositionTaken(Connection connection, RecorderRegistration registration)
      throws SQLException {
    try (PreparedStatement find = connection.prepareStatement(FIND_HOLDER)) {
      find.setString(1, registration.pair());
      find.setString(2, registration.position().name());
      try (ResultSet rows = find.executeQuery()) {
        if (rows.next()) {
          throw new IllegalArgumentException("pair '" + registration.pair() + "' already has recorder "
              + rows.getInt(1) + " as its " + registration.position() + "; recorder " + registration.serial()
              + " cannot register in the same position");
        }
      }
    }
  }

  private static void insertRecorder(Connection connection, RecorderRegistration registration, Role role,
      Timestamp now) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_RECORDER)) {
      insert.setInt(1, registration.serial());
      insert.setString(2, registration.pair());
      insert.setString(3, registration.position().name());
      insert.setString(4, role.name());
      insert.setString(5, registration.adminUrl());
      insert.setString(6, registration.sipAddress());
      insert.setTimestamp(7, now);
      insert.setTimestamp(8, now);
      insert.executeUpdate();
    }
  }

  private static void updateRecorder(Connection connection, RecorderRegistration registration, Timestamp now)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE_RECORDER)) {
      update.setString(1, registration.adminUrl());
      update.setString(2, registration.sipAddress());
      update.setTimestamp(3, now);
      update.setInt(4, registration.serial());
      update.executeUpdate();
    }
  }

  private static final String UPDATE_POLICY = """
      UPDATE pairs SET rollback_window_seconds = COALESCE(?, rollback_window_seconds),
        failback_policy = COALESCE(?, failback_policy), gap_policy = COALESCE(?, gap_policy),
        match_tolerance_ms = COALESCE(?, match_tolerance_ms)
      WHERE name = ?""";

  boolean updatePolicy(String pair, Integer rollbackWindowSeconds, String failbackPolicy, String gapPolicy,
      Integer matchToleranceMillis) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(UPDATE_POLICY)) {
      update.setObject(1, rollbackWindowSeconds);
      update.setString(2, failbackPolicy);
      update.setString(3, gapPolicy);
      update.setObject(4, matchToleranceMillis);
      update.setString(5, pair);
      return update.executeUpdate() == 1;
    }
  }

  java.util.Optional<Long> epoch(String pair) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement("SELECT epoch FROM pairs WHERE name = ?")) {
      query.setString(1, pair);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? java.util.Optional.of(rows.getLong(1)) : java.util.Optional.empty();
      }
    }
  }

  List<PairView> pairs() throws SQLException {
    Map<String, PairView> pairs = new LinkedHashMap<>();
    Map<String, List<RecorderView>> recorders = new LinkedHashMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement list = connection.prepareStatement(LIST_PAIRS);
        ResultSet rows = list.executeQuery()) {
      while (rows.next()) {
        String name = rows.getString(1);
        List<RecorderView> members = recorders.computeIfAbsent(name, k -> new ArrayList<>());
        pairs.putIfAbsent(name, new PairView(name, rows.getLong(2), rows.getLong(3), rows.getString(4),
            rows.getString(5), rows.getInt(6), List.of()));
        int serial = rows.getInt(7);
        if (!rows.wasNull()) {
          members.add(new RecorderView(Serial.format(serial), Position.valueOf(rows.getString(8)),
              Role.valueOf(rows.getString(9)), rows.getString(10), rows.getString(11)));
        }
      }
    }
    List<PairView> result = new ArrayList<>(pairs.size());
    for (PairView pair : pairs.values()) {
      result.add(new PairView(pair.name(), pair.epoch(), pair.rollbackWindowSeconds(), pair.failbackPolicy(),
          pair.gapPolicy(), pair.matchToleranceMillis(), recorders.get(pair.name())));
    }
    return result;
  }
}
