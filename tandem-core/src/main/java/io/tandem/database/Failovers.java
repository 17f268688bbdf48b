package io.tandem.database;

import io.tandem.call.Serial;
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
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Failovers as a durable, idempotent state machine. {@link #begin} raises the pair's epoch, swaps the roles
 * and opens the failover in one transaction under the pair's row lock, and only if the recorder said to fail
 * is still the primary, so two controllers (or one that restarted) never fail a pair over twice for one
 * failure. {@link #finish} closes an open failover and appends its event in one transaction, at most once. Both
 * are fenced by the controller lease: they commit only while the RRC that decided them still holds it.
 * Thread-safe.
 */
final class Failovers {
  private static final String COLUMNS = "id, pair_name, kind, from_serial, to_serial, epoch, detected_at, "
      + "window_seconds, window_from, state, promoted, already_present, duration_ms, finished_at";
  private static final String LOCK_PAIR = "SELECT epoch, rollback_window_seconds FROM pairs WHERE name = ? FOR UPDATE";
  private static final String ROLES = "SELECT serial, role FROM recorders WHERE pair = ?";
  private static final String OPEN_OF_PAIR = "SELECT " + COLUMNS + " FROM failovers WHERE pair_name = ? "
      + "AND state = 'PROMOTING' ORDER BY id";
  private static final String SUPERSEDE = "UPDATE failovers SET state = 'SUPERSEDED', finished_at = ? WHERE id = ?";
  private static final String RAISE_EPOCH = "UPDATE pairs SET epoch = epoch + 1 WHERE name = ? RETURNING epoch";
  private static final String SWAP_ROLES = "UPDATE recorders SET role = CASE WHEN serial = ? THEN 'SECONDARY' "
      + "ELSE 'PRIMARY' END WHERE serial IN (?, ?)";
  private static final String INSERT = "INSERT INTO failovers (pair_name, kind, from_serial, to_serial, epoch, "
      + "detected_at, window_seconds, window_from, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PROMOTING') RETURNING "
      + COLUMNS;
  private static final String OPEN = "SELECT " + COLUMNS + " FROM failovers WHERE state = 'PROMOTING' ORDER BY id";
  private static final String ALL = "SELECT " + COLUMNS + " FROM failovers ORDER BY id";
  private static final String CLOSE = "UPDATE failovers SET state = 'DONE', promoted = ?, already_present = ?, "
      + "duration_ms = (extract(epoch FROM ?::timestamptz - detected_at) * 1000)::bigint, finished_at = ? WHERE id = ? AND state = 'PROMOTING' RETURNING " + COLUMNS;
  // The new primary's copies live in the window: started before detection, ended at or after the window's
  // start or not ended.
  private static final String TALLY = """
      SELECT count(*), count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM copies o WHERE o.interaction_id = c.interaction_id AND o.serial <> c.serial))
      FROM copies c WHERE c.serial = ? AND c.start_time < ? AND (c.end_time >= ? OR c.end_time IS NULL)""";

  private final DataSource dataSource;
  private final Clock clock;

  Failovers(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  Optional<FailoverView> begin(LeaderFence fence, String pair, String kind, int fromSerial, int toSerial,
      Instant detectedAt) throws SQLException, LeaseLostException {
    return ControllerLease.inFencedTransaction(dataSource, fence, connection -> {
      long windowSeconds;
      try (PreparedStatement lock = connection.prepareStatement(LOCK_PAIR)) {
        lock.setString(1, pair);
        try (ResultSet rows = lock.executeQuery()) {
          if (!rows.next()) {
            return Optional.<FailoverView>empty();
          }
          windowSeconds = rows.getLong(2);
        }
      }
      if (!holds(connection, pair, fromSerial, "PRIMARY") || !holds(connection, pair, toSerial, "SECONDARY")) {
        // Someone already changed the roles since the decision was taken.
        return Optional.<FailoverView>empty();
      }
      Instant windowFrom = detectedAt.minus(Duration.ofSeconds(windowSeconds));
      // A failover cut short by the failure of its own new primary hands its range on to this one.
      for (FailoverView superseded : supersede(connection, pair)) {
        windowFrom = superseded.windowFrom().isBefore(windowFrom) ? superseded.windowFrom() : windowFrom;
      }
      long epoch = raiseEpoch(connection, pair);
      try (PreparedStatement swap = connection.prepareStatement(SWAP_ROLES)) {
        swap.setInt(1, fromSerial);
        swap.setInt(2, fromSerial);
        swap.setInt(3, toSerial);
        swap.executeUpdate();
      }
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        insert.setString(1, pair);
        insert.setString(2, kind);
        insert.setInt(3, fromSerial);
        insert.setInt(4, toSerial);
        insert.setLong(5, epoch);
        insert.setTimestamp(6, Timestamp.from(detectedAt));
        insert.setLong(7, windowSeconds);
        insert.setTimestamp(8, Timestamp.from(windowFrom));
        return Optional.of(single(insert));
      }
    });
  }

  private static boolean holds(Connection connection, String pair, int serial, String role) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(ROLES)) {
      query.setString(1, pair);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          if (rows.getInt(1) == serial) {
            return role.equals(rows.getString(2));
          }
        }
      }
    }
    return false;
  }

  private List<FailoverView> supersede(Connection connection, String pair) throws SQLException {
    List<FailoverView> open;
    try (PreparedStatement query = connection.prepareStatement(OPEN_OF_PAIR)) {
      query.setString(1, pair);
      open = list(query);
    }
    Instant now = clock.instant();
    for (FailoverView failover : open) {
      try (PreparedStatement update = connection.prepareStatement(SUPERSEDE)) {
        update.setTimestamp(1, Timestamp.from(now));
        update.setLong(2, failover.id());
        update.executeUpdate();
      }
      Map<String, Object> details = details(failover);
      details.put("outcome", "SUPERSEDED");
      EventLog.append(connection, clock, failover.kind(), pair, details);
    }
    return open;
  }

  private static long raiseEpoch(Connection connection, String pair) throws SQLException {
    try (PreparedStatement raise = connection.prepareStatement(RAISE_EPOCH)) {
      raise.setString(1, pair);
      try (ResultSet rows = raise.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  List<FailoverView> open() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(OPEN)) {
      return list(query);
    }
  }

  List<FailoverView> all() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(ALL)) {
      return list(query);
    }
  }

  PromotionTally tally(FailoverView failover) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(TALLY)) {
      query.setInt(1, Integer.parseInt(failover.toSerial()));
      query.setTimestamp(2, Timestamp.from(failover.detectedAt()));
      query.setTimestamp(3, Timestamp.from(failover.windowFrom()));
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        int copies = rows.getInt(1);
        int shared = rows.getInt(2);
        return new PromotionTally(copies - shared, shared);
      }
    }
  }

  Optional<FailoverView> finish(LeaderFence fence, long id, PromotionTally tally)
      throws SQLException, LeaseLostException {
    return ControllerLease.inFencedTransaction(dataSource, fence, connection -> {
      Timestamp now = Timestamp.from(clock.instant());
      FailoverView done;
      try (PreparedStatement close = connection.prepareStatement(CLOSE)) {
        close.setInt(1, tally.promoted());
        close.setInt(2, tally.alreadyPresent());
        close.setTimestamp(3, now);
        close.setTimestamp(4, now);
        close.setLong(5, id);
        List<FailoverView> rows = list(close);
        if (rows.isEmpty()) {
          return Optional.<FailoverView>empty();
        }
        done = rows.getFirst();
      }
      Map<String, Object> details = details(done);
      details.put("outcome", "DONE");
      EventLog.append(connection, clock, done.kind(), done.pair(), details);
      return Optional.of(done);
    });
  }

  /** The numbers of a failover's event: times, window, serials, epoch and, once known, the figures. */
  private static Map<String, Object> details(FailoverView failover) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("failoverId", failover.id());
    details.put("fromSerial", failover.fromSerial());
    details.put("toSerial", failover.toSerial());
    details.put("epoch", failover.epoch());
    details.put("detectedAt", failover.detectedAt().toString());
    details.put("windowSeconds", failover.windowSeconds());
    details.put("windowFrom", failover.windowFrom().toString());
    details.put("promoted", failover.promoted());
    details.put("alreadyPresent", failover.alreadyPresent());
    details.put("durationMs", failover.durationMillis());
    return details;
  }

  private static FailoverView single(PreparedStatement statement) throws SQLException {
    return list(statement).getFirst();
  }

  private static List<FailoverView> list(PreparedStatement statement) throws SQLException {
    List<FailoverView> failovers = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        failovers.add(new FailoverView(rows.getLong(1), rows.getString(2), rows.getString(3),
            Serial.format(rows.getInt(4)), Serial.format(rows.getInt(5)), rows.getLong(6),
            rows.getTimestamp(7).toInstant(), rows.getLong(8), rows.getTimestamp(9).toInstant(), rows.getString(10),
            (Integer) rows.getObject(11), (Integer) rows.getObject(12), (Long) rows.getObject(13),
            rows.getTimestamp(14) == null ? null : rows.getTimestamp(14).toInstant()));
      }
    }
    return failovers;
  }
}
