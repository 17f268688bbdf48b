package io.tandem.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The merge pass: finds live interactions that are one conversation marked twice (two recorders that created
 * one each at the same moment, or the primary's call, matched by key only, marked after the secondary's copy
 * of the same conversation was promoted) and merges the newer into the older. Two interactions are one
 * conversation when they have the same SIP identity, or the same participants key with starts (or ends) within
 * the pair's tolerance and copies of two different recorders of one pair, and no other interaction is such a
 * twin by participants (an ambiguous guess is never taken).
 *
 * <p>Of two twins, the older is the one made first: the one whose id has the lower number below its month (an
 * interaction made today for a call that started last month has last month's id, and is still the newer).
 *
 * <p>A merge moves the newer interaction's copies to the older, widens the older and recomputes its best copy,
 * and keeps the newer as a tombstone pointing at the older, as it does every tombstone that pointed at the
 * newer; every key that named the newer ({@code interaction_keys}) names the older, so that every key still names
 * a live interaction. Each merge is one transaction that locks every pair
 * (so it waits for the marking in progress and holds new marking back until it commits) and finds the older
 * one again under that lock: merging is idempotent, and a crash leaves no merge half done.
 *
 * <p>Each interaction is checked once, month by month in id order (within a month, the order they were made in),
 * behind a durable place per month ({@code interaction_merges}). Ids are taken before their interaction commits,
 * so a month's place moves up to the highest id seen there by a pass only when no transaction that began before
 * that pass is still open; until then the ids above it are checked again.
 * Open transactions are read from {@code pg_stat_activity}, which shows every transaction of the role the
 * processes connect as. Not thread-safe: one pass at a time.
 */
final class InteractionMerges {
  /** The part of an interaction's id below its month: the number of the sequence, in the order ids were taken. */
  private static final long NUMBER = (1L << CallMonths.MONTH_SHIFT) - 1;

  /** Interactions checked per statement. */
  private static final int BATCH = 1000;

  private static final String TWINS = """
      WITH n AS (
        SELECT i.id, i.sip_identity, i.participants_key, i.start_time, i.end_time, r.pair,
               p.match_tolerance_ms * interval '1 millisecond' AS tolerance
        FROM interactions i
        JOIN LATERAL (SELECT c.serial FROM copies c WHERE c.interaction_id = i.id LIMIT 1) one ON true
        JOIN recorders r ON r.serial = one.serial
        JOIN pairs p ON p.name = r.pair
        WHERE %s AND i.merged_into IS NULL
        ORDER BY i.id LIMIT ?)
      SELECT n.id, twin.id, twin.by_sip, twin.candidates FROM n
      LEFT JOIN LATERAL (
        SELECT o.id, (o.sip_identity = n.sip_identity) IS TRUE AS by_sip, count(*) OVER () AS candidates
        FROM interactions o
        WHERE o.id & %2$d < n.id & %2$d AND o.merged_into IS NULL
          AND (o.sip_identity = n.sip_identity
            OR (o.participants_key = n.participants_key
              AND (o.start_time BETWEEN n.start_time - n.tolerance AND n.start_time + n.tolerance
                OR (o.start_time BETWEEN n.end_time - interval '1 day' AND n.end_time + n.tolerance
                  AND o.end_time BETWEEN n.end_time - n.tolerance AND n.end_time + n.tolerance))
              AND NOT EXISTS (SELECT 1 FROM copies a JOIN copies b ON b.serial = a.serial
                              WHERE a.interaction_id = n.id AND b.interaction_id = o.id)
              AND NOT EXISTS (SELECT 1 FROM copies b JOIN recorders r ON r.serial = b.serial
                              WHERE b.interaction_id = o.id AND r.pair <> n.pair)))
        ORDER BY by_sip DESC, abs(extract(epoch FROM o.start_time - n.start_time)), o.id
        LIMIT 1) twin ON true
      ORDER BY n.id""";
  private static final String TWINS_AFTER = TWINS.formatted("i.id > ? AND i.id < ?", NUMBER);
  private static final String TWIN_OF = TWINS.formatted("i.id = ?", NUMBER);

  private static final String LOCK_PAIRS = "SELECT name FROM pairs ORDER BY name FOR UPDATE";
  /**
   * Points every key that names the newer at the older. Each such key is the newer's own or one that a copy of
   * it carries (a tombstone is left only for a copy's key, and a merge moves the copies with their keys), so the
   * keys are found through the newer's copies, before they move, without an index on the key table's ids.
   */
  private static final String REPOINT_KEYS = """
      UPDATE interaction_keys k SET interaction_id = m.older
      FROM (SELECT ?::bigint AS older, ?::bigint AS newer) m
      WHERE k.interaction_id = m.newer
        AND k.correlation_key IN (SELECT c.correlation_key FROM copies c WHERE c.interaction_id = m.newer
                                  UNION SELECT n.correlation_key FROM interactions n WHERE n.id = m.newer)""";
  private static final String MOVE_INUMS = """
      UPDATE copy_inums ci SET interaction_id = m.older
      FROM (SELECT ?::bigint AS older, ?::bigint AS newer) m JOIN copies c ON c.interaction_id = m.newer
      WHERE ci.inum = c.inum""";
  private static final String MOVE_COPIES = "UPDATE copies SET interaction_id = ? WHERE interaction_id = ?";
  private static final String REPOINT_TOMBSTONES = "UPDATE interactions SET merged_into = ? WHERE merged_into = ?";
  private static final String WIDEN_OLDER = """
      UPDATE interactions o SET
        start_time = LEAST(o.start_time, n.start_time),
        end_time = GREATEST(o.end_time, n.end_time),
        participants = CASE WHEN o.participants = '[]'::jsonb THEN n.participants ELSE o.participants END
      FROM interactions n WHERE o.id = ? AND n.id = ?""";
  private static final String BURY = "UPDATE interactions SET merged_into = ? WHERE id = ?";
  private static final String CHECKED_THROUGH = "SELECT month, checked_through FROM interaction_merges";
  private static final String STORE_CHECKED_THROUGH = """
      INSERT INTO interaction_merges (month, checked_through) VALUES (?, ?)
      ON CONFLICT (month) DO UPDATE SET checked_through = GREATEST(interaction_merges.checked_through,
                                                                   EXCLUDED.checked_through)""";
  /** The highest id of each month that has interactions, each read from its own partition. */
  private static final String HORIZON = """
      SELECT m.month, (SELECT max(i.id) FROM interactions i
                       WHERE i.id >= m.month::bigint << %1$d AND i.id < (m.month + 1)::bigint << %1$d), now()
      FROM call_months m ORDER BY m.month""".formatted(CallMonths.MONTH_SHIFT);
  private static final String SETTLED = """
      SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity
                         WHERE datname = current_database() AND pid <> pg_backend_pid()
                           AND backend_type = 'client backend' AND xact_start < ?)""";

  private final DataSource dataSource;

  /** The highest id of each month and the time at the start of the last pass, or null before the first. */
  private Horizon previous;

  InteractionMerges(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  private record Horizon(Map<Integer, Long> highestIds, Timestamp at) {}

  /** Checks every interaction not checked yet and merges the twins it finds; returns how many it merged. */
  int pass() throws SQLException {
    Horizon now;
    Map<Integer, Long> checkedThrough;
    boolean settled;
    try (Connection connection = dataSource.getConnection()) {
      now = horizon(connection);
      checkedThrough = checkedThrough(connection);
      settled = previous != null && settledSince(connection, previous.at());
    }
    int merged = 0;
    for (Map.Entry<Integer, Long> month : now.highestIds().entrySet()) {
      CallMonths.Month of = CallMonths.Month.of(month.getKey());
      long first = of.firstId();
      long checked = checkedThrough.getOrDefault(month.getKey(), first);
      if (checked >= month.getValue()) {
        continue;
      }
      merged += pass(checked, of.endId());
    }
    if (settled) {
      for (Map.Entry<Integer, Long> month : previous.highestIds().entrySet()) {
        if (month.getValue() > checkedThrough.getOrDefault(month.getKey(), 0L)) {
          store(month.getKey(), month.getValue());
        }
      }
    }
    previous = now;
    return merged;
  }

  /** Checks the interactions of one month after {@code after}, below {@code end}; returns how many it merged. */
  private int pass(long after, long end) throws SQLException {
    int merged = 0;
    while (true) {
      List<long[]> twins = twins(after, end);
      for (long[] twin : twins) {
        if (twin[1] != 0 && mergeIntoTwin(twin[0])) {
          merged++;
        }
      }
      if (twins.size() < BATCH) {
        return merged;
      }
      after = twins.getLast()[0];
    }
  }

  /** The live interactions after {@code after} and below {@code end}, in id order, each with its one twin or 0. */
  private List<long[]> twins(long after, long end) throws SQLException {
    // Without the statement timeout: the search for twins compares each interaction of the batch with every
    // interaction near its start, which on a busy database may take longer than a query of the API should.
    return Transactions.inLongTransaction(dataSource, connection -> {
      List<long[]> twins = new ArrayList<>();
      try (PreparedStatement query = connection.prepareStatement(TWINS_AFTER)) {
        query.setLong(1, after);
        query.setLong(2, end);
        query.setInt(3, BATCH);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            twins.add(new long[] {rows.getLong(1), oneTwin(rows)});
          }
        }
      }
      return twins;
    });
  }

  /** Merges an interaction into its twin, found again under every pair's lock; false when it has none now. */
  private boolean mergeIntoTwin(long newer) throws SQLException {
    // Without the statement timeout: it waits for every pair's marking in progress, which runs without it.
    return Transactions.inLongTransaction(dataSource, connection -> {
      try (PreparedStatement lock = connection.prepareStatement(LOCK_PAIRS)) {
        lock.executeQuery().close();
      }
      long older;
      try (PreparedStatement query = connection.prepareStatement(TWIN_OF)) {
        query.setLong(1, newer);
        query.setInt(2, 1);
        try (ResultSet rows = query.executeQuery()) {
          older = rows.next() ? oneTwin(rows) : 0;
        }
      }
      if (older == 0) {
        return false;
      }
      update(connection, REPOINT_KEYS, older, newer);
      update(connection, MOVE_INUMS, older, newer);
      update(connection, MOVE_COPIES, older, newer);
      update(connection, REPOINT_TOMBSTONES, older, newer);
      update(connection, WIDEN_OLDER, older, newer);
      update(connection, BURY, older, newer);
      MarkingStatements.updateBestCopies(connection, Set.of(older));
      return true;
    });
  }

  /** The twin of a row of {@link #TWINS}: one by SIP identity, or the only one by participants; else 0. */
  private static long oneTwin(ResultSet rows) throws SQLException {
    long twin = rows.getLong(2);
    return twin != 0 && (rows.getBoolean(3) || rows.getLong(4) == 1) ? twin : 0;
  }

  private static void update(Connection connection, String sql, long first, long second) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, first);
      statement.setLong(2, second);
      statement.executeUpdate();
    }
  }

  private static Horizon horizon(Connection connection) throws SQLException {
    Map<Integer, Long> highest = new TreeMap<>();
    Timestamp at = null;
    try (PreparedStatement query = connection.prepareStatement(HORIZON); ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        long id = rows.getLong(2);
        if (!rows.wasNull()) {
          highest.put(rows.getInt(1), id);
        }
        at = rows.getTimestamp(3);
      }
    }
    return new Horizon(highest, at == null ? new Timestamp(System.currentTimeMillis()) : at);
  }

  private static Map<Integer, Long> checkedThrough(Connection connection) throws SQLException {
    Map<Integer, Long> checked = new HashMap<>();
    try (PreparedStatement query = connection.prepareStatement(CHECKED_THROUGH);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        checked.put(rows.getInt(1), rows.getLong(2));
      }
    }
    return checked;
  }

  /** Whether every transaction that was open at {@code at} has ended, so that the ids it took are settled. */
  private static boolean settledSince(Connection connection, Timestamp at) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(SETTLED)) {
      query.setTimestamp(1, at);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }

  private void store(int month, long highestId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(STORE_CHECKED_THROUGH)) {
      statement.setInt(1, month);
      statement.setLong(2, highestId);
      statement.executeUpdate();
    }
  }
}
