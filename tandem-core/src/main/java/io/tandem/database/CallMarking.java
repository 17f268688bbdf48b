package io.tandem.database;

import io.tandem.call.CallRecord;
import io.tandem.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Marks a batch of calls in one transaction and a fixed number of statements whatever the batch size: the
 * fence check, one upsert of the interactions, one upsert of the copies, and only when the batch touched
 * interactions that existed before, a look-up of their ids and one recomputation of their best copies. One
 * interaction per correlation key rests on the unique constraint and the upserts alone, never on a read
 * before a write. Thread-safe.
 */
final class CallMarking {
  private static final String LOCK_PAIR = """
      SELECT p.epoch FROM recorders r JOIN pairs p ON p.name = r.pair
      WHERE r.serial = ? FOR SHARE OF p""";

  // Times travel as microseconds since the epoch in binary arrays: exact, and no text to parse per row.
  private static final String MICROS = "timestamptz 'epoch' + %s * interval '1 microsecond'";

  // A row that would not change is left as it is (but locked), so it is not returned: its id is looked up.
  private static final String UPSERT_INTERACTIONS = """
      INSERT INTO interactions (correlation_key, start_time, end_time, participants, best_inum)
      SELECT t.k, %s, %s, t.p::jsonb, t.b
      FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[]) AS t(k, s, e, p, b)
      ON CONFLICT (correlation_key) DO UPDATE SET
        start_time = LEAST(interactions.start_time, EXCLUDED.start_time),
        end_time = GREATEST(interactions.end_time, EXCLUDED.end_time),
        participants = CASE WHEN interactions.participants = '[]'::jsonb
                            THEN EXCLUDED.participants ELSE interactions.participants END
      WHERE EXCLUDED.start_time < interactions.start_time
         OR EXCLUDED.end_time > interactions.end_time
         OR (interactions.end_time IS NULL AND EXCLUDED.end_time IS NOT NULL)
         OR (interactions.participants = '[]'::jsonb AND EXCLUDED.participants <> '[]'::jsonb)
      RETURNING id, correlation_key, (xmax = 0) AS inserted""".formatted(MICROS.formatted("t.s"),
      MICROS.formatted("t.e"));

  private static final String INTERACTION_IDS = """
      SELECT id, correlation_key FROM interactions WHERE correlation_key = ANY(?::text[])""";

  private static final String INSERT_COPIES = """
      INSERT INTO copies (inum, interaction_id, serial, call_role, complete, duration_ms, media_bytes,
                          packets_received, packets_lost, start_time, end_time, marked_epoch, marked_at)
      SELECT t.inum, t.iid, t.serial, t.role, t.complete, t.dur, t.bytes, t.rx, t.lost, %s, %s, ?, ?
      FROM unnest(?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::boolean[], ?::bigint[], ?::bigint[],
                  ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
           AS t(inum, iid, serial, role, complete, dur, bytes, rx, lost, s, e)""".formatted(MICROS.formatted("t.s"),
      MICROS.formatted("t.e"));

  private static final String UPSERT_COPIES = INSERT_COPIES + """

      ON CONFLICT (inum) DO UPDATE SET
        complete = EXCLUDED.complete,
        duration_ms = EXCLUDED.duration_ms,
        media_bytes = EXCLUDED.media_bytes,
        packets_received = EXCLUDED.packets_received,
        packets_lost = EXCLUDED.packets_lost,
        end_time = EXCLUDED.end_time
      WHERE (copies.complete, copies.duration_ms, copies.media_bytes, copies.packets_received,
             copies.packets_lost, copies.end_time)
            IS DISTINCT FROM (EXCLUDED.complete, EXCLUDED.duration_ms, EXCLUDED.media_bytes,
             EXCLUDED.packets_received, EXCLUDED.packets_lost, EXCLUDED.end_time)
      RETURNING interaction_id, (xmax = 0) AS inserted""";

  // Best copy: complete beats truncated, then the longer, then the lower INUM.
  private static final String UPDATE_BEST_COPIES = """
      UPDATE interactions i SET best_inum = b.inum
      FROM (SELECT DISTINCT ON (interaction_id) interaction_id, inum FROM copies
            WHERE interaction_id = ANY(?::bigint[])
            ORDER BY interaction_id, complete DESC, duration_ms DESC, inum ASC) b
      WHERE i.id = b.interaction_id AND i.best_inum IS DISTINCT FROM b.inum""";

  private static final Comparator<CallRecord> BEST_FIRST = Comparator
      .comparing((CallRecord call) -> !call.complete())
      .thenComparing(call -> -call.stats().durationMillis())
      .thenComparing(CallRecord::inum);

  private final DataSource dataSource;
  private final Clock clock;

  CallMarking(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  MarkResult mark(Fence fence, List<CallRecord> calls) throws SQLException, FencedException {
    if (calls.isEmpty()) {
      return new MarkResult(0, 0, 0);
    }
    Map<Long, CallRecord> byInum = new TreeMap<>();
    for (CallRecord call : calls) {
      byInum.put(call.inum().value(), call);
    }
    return Transactions.inTransaction(dataSource, connection -> {
      checkFence(connection, fence);
      InteractionIds interactions = upsertInteractions(connection, byInum.values());
      // A new interaction has no copies before this batch, so its copies are plain inserts.
      List<CallRecord> ofNew = new ArrayList<>();
      List<CallRecord> ofExisting = new ArrayList<>();
      for (CallRecord call : byInum.values()) {
        (interactions.created().contains(call.correlationKey()) ? ofNew : ofExisting).add(call);
      }
      int inserted = ofNew.isEmpty() ? 0 : insertCopies(connection, fence, ofNew, interactions.idByKey());
      if (!ofExisting.isEmpty()) {
        CopyChanges changes = upsertCopies(connection, fence, ofExisting, interactions.idByKey());
        inserted += changes.inserted();
        // A new interaction's best copy was set when it was created; an older one's best can only move
        // when one of its copies was added or changed.
        List<Long> recompute = new ArrayList<>();
        for (long id : interactions.existing()) {
          if (changes.interactionIds().contains(id)) {
            recompute.add(id);
          }
        }
        if (!recompute.isEmpty()) {
          updateBestCopies(connection, recompute);
        }
      }
      return new MarkResult(inserted, calls.size() - inserted, interactions.created().size());
    });
  }

  private static void checkFence(Connection connection, Fence fence) throws SQLException, FencedException {
    try (PreparedStatement statement = connection.prepareStatement(LOCK_PAIR)) {
      statement.setInt(1, fence.serial());
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalStateException("recorder " + fence.serial()
              + " is not registered in the call database; it must register before it marks calls");
        }
        long current = rows.getLong(1);
        if (current != fence.epoch()) {
          throw new FencedException(fence, current);
        }
      }
    }
  }

  /** Ids by correlation key; the keys whose interaction this batch created; the ids of the others. */
  private record InteractionIds(Map<String, Long> idByKey, Set<String> created, List<Long> existing) {}

  private record CopyChanges(int inserted, Set<Long> interactionIds) {}

  private static InteractionIds upsertInteractions(Connection connection, Iterable<CallRecord> calls)
      throws SQLException {
    // One row per key, sorted so that concurrent batches lock interactions in the same order.
    // Each row holds the earliest start, the latest end and the best copy among the batch's calls.
    Map<String, CallRecord[]> span = new TreeMap<>();
    for (CallRecord call : calls) {
      CallRecord[] firstAndLast = span.computeIfAbsent(call.correlationKey(),
          k -> new CallRecord[] {call, call, call});
      if (BEST_FIRST.compare(call, firstAndLast[2]) < 0) {
        firstAndLast[2] = call;
      }
      if (call.start().isBefore(firstAndLast[0].start())) {
        firstAndLast[0] = call;
      }
      if (call.end() != null && (firstAndLast[1].end() == null || call.end().isAfter(firstAndLast[1].end()))) {
        firstAndLast[1] = call;
      }
    }
    int size = span.size();
    String[] keys = new String[size];
    long[] starts = new long[size];
    Long[] ends = new Long[size];
    String[] participants = new String[size];
    long[] best = new long[size];
    int i = 0;
    for (Map.Entry<String, CallRecord[]> entry : span.entrySet()) {
      keys[i] = entry.getKey();
      starts[i] = micros(entry.getValue()[0].start());
      ends[i] = entry.getValue()[1].end() == null ? null : micros(entry.getValue()[1].end());
      participants[i] = Json.write(entry.getValue()[0].participants());
      best[i] = entry.getValue()[2].inum().value();
      i++;
    }
    Map<String, Long> idByKey = new HashMap<>(size * 2);
    List<Long> existing = new ArrayList<>();
    Set<String> created = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(UPSERT_INTERACTIONS)) {
      statement.setArray(1, connection.createArrayOf("text", keys));
      PGConnection pg = connection.unwrap(PGConnection.class);
      statement.setArray(2, pg.createArrayOf("bigint", starts));
      statement.setArray(3, connection.createArrayOf("bigint", ends));
      statement.setArray(4, connection.createArrayOf("text", participants));
      statement.setArray(5, pg.createArrayOf("bigint", best));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          idByKey.put(rows.getString(2), rows.getLong(1));
          if (rows.getBoolean(3)) {
            created.add(rows.getString(2));
          } else {
            existing.add(rows.getLong(1));
          }
        }
      }
    }
    if (idByKey.size() < size) {
      existing.addAll(unchangedIds(connection, keys, idByKey));
    }
    return new InteractionIds(idByKey, created, existing);
  }

  /**
   * Ids of the interactions the upsert left unchanged; it locked them, so they are there until the batch
   * commits. Adds them to {@code idByKey} and returns them.
   */
  private static List<Long> unchangedIds(Connection connection, String[] keys, Map<String, Long> idByKey)
      throws SQLException {
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      if (!idByKey.containsKey(key)) {
        missing.add(key);
      }
    }
    List<Long> ids = new ArrayList<>(missing.size());
    try (PreparedStatement statement = connection.prepareStatement(INTERACTION_IDS)) {
      statement.setArray(1, connection.createArrayOf("text", missing.toArray(String[]::new)));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          idByKey.put(rows.getString(2), rows.getLong(1));
          ids.add(rows.getLong(1));
        }
      }
    }
    if (ids.size() != missing.size()) {
      throw new IllegalStateException("the call database lost interactions it had just locked: found "
          + ids.size() + " of " + missing.size());
    }
    return ids;
  }

  private int insertCopies(Connection connection, Fence fence, List<CallRecord> calls, Map<String, Long> idByKey)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(INSERT_COPIES)) {
      bindCopies(connection, statement, fence, calls, idByKey);
      return statement.executeUpdate();
    }
  }

  private CopyChanges upsertCopies(Connection connection, Fence fence, List<CallRecord> calls,
      Map<String, Long> idByKey) throws SQLException {
    int inserted = 0;
    Set<Long> changed = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(UPSERT_COPIES)) {
      bindCopies(connection, statement, fence, calls, idByKey);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          changed.add(rows.getLong(1));
          inserted += rows.getBoolean(2) ? 1 : 0;
        }
      }
    }
    return new CopyChanges(inserted, changed);
  }

  private void bindCopies(Connection connection, PreparedStatement statement, Fence fence, List<CallRecord> calls,
      Map<String, Long> idByKey) throws SQLException {
    int size = calls.size();
    long[] inums = new long[size];
    long[] interactionIds = new long[size];
    int[] serials = new int[size];
    String[] roles = new String[size];
    boolean[] complete = new boolean[size];
    long[] durations = new long[size];
    long[] bytes = new long[size];
    long[] received = new long[size];
    long[] lost = new long[size];
    long[] starts = new long[size];
    Long[] ends = new Long[size];
    for (int i = 0; i < size; i++) {
      CallRecord call = calls.get(i);
      inums[i] = call.inum().value();
      interactionIds[i] = idByKey.get(call.correlationKey());
      serials[i] = call.inum().serial();
      roles[i] = call.callRole().name();
      complete[i] = call.complete();
      durations[i] = call.stats().durationMillis();
      bytes[i] = call.stats().bytes();
      received[i] = call.stats().packetsReceived();
      lost[i] = call.stats().packetsLost();
      starts[i] = micros(call.start());
      ends[i] = call.end() == null ? null : micros(call.end());
    }
    statement.setLong(1, fence.epoch());
    statement.setTimestamp(2, Timestamp.from(clock.instant()));
    Object[] arrays = {inums, interactionIds, serials, roles, complete, durations, bytes, received, lost, starts, ends};
    String[] types = {"bigint", "bigint", "int4", "text", "bool", "bigint", "bigint", "bigint", "bigint", "bigint",
        "bigint"};
    PGConnection pg = connection.unwrap(PGConnection.class);
    for (int i = 0; i < arrays.length; i++) {
      statement.setArray(3 + i, pg.createArrayOf(types[i], arrays[i]));
    }
  }

  private static void updateBestCopies(Connection connection, List<Long> ids) throws SQLException {
    ids.sort(null);
    try (PreparedStatement statement = connection.prepareStatement(UPDATE_BEST_COPIES)) {
      statement.setArray(1, connection.createArrayOf("bigint", ids.toArray(Long[]::new)));
      statement.executeUpdate();
    }
  }

  /** Microseconds since the epoch, rounded half to even as PostgreSQL rounds a time it parses. */
  static long micros(Instant instant) {
    long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    int rest = instant.getNano() % 1_000;
    return rest > 500 || (rest == 500 && (micros & 1) == 1) ? micros + 1 : micros;
  }
}
