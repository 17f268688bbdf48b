package io.tandem.database;

import io.tandem.call.CallRecord;
import io.tandem.json.Json;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Marks a batch of calls in one transaction and four statements whatever the batch size: the fence
 * check, one upsert of the interactions, one upsert of the copies, one recomputation of the best
 * copies. One interaction per correlation key rests on the unique constraint and the upserts alone,
 * never on a read before a write. Thread-safe.
 */
final class CallMarking {
  private static final String LOCK_PAIR = """
      SELECT p.epoch FROM recorders r JOIN pairs p ON p.name = r.pair
      WHERE r.serial = ? FOR SHARE OF p""";

  private static final String UPSERT_INTERACTIONS = """
      INSERT INTO interactions (correlation_key, start_time, end_time, participants, best_inum)
      SELECT t.k, t.s::timestamptz, t.e::timestamptz, t.p::jsonb, t.b
      FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) AS t(k, s, e, p, b)
      ON CONFLICT (correlation_key) DO UPDATE SET
        start_time = LEAST(interactions.start_time, EXCLUDED.start_time),
        end_time = GREATEST(interactions.end_time, EXCLUDED.end_time),
        participants = CASE WHEN interactions.participants = '[]'::jsonb
                            THEN EXCLUDED.participants ELSE interactions.participants END
      RETURNING id, correlation_key, (xmax = 0) AS inserted""";

  private static final String UPSERT_COPIES = """
      INSERT INTO copies (inum, interaction_id, serial, call_role, complete, duration_ms, media_bytes,
                          packets_received, packets_lost, start_time, end_time, marked_epoch, marked_at)
      SELECT t.inum, t.iid, t.serial, t.role, t.complete, t.dur, t.bytes, t.rx, t.lost,
             t.s::timestamptz, t.e::timestamptz, ?, ?
      FROM unnest(?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::boolean[], ?::bigint[], ?::bigint[],
                  ?::bigint[], ?::bigint[], ?::text[], ?::text[])
           AS t(inum, iid, serial, role, complete, dur, bytes, rx, lost, s, e)
      ON CONFLICT (inum) DO UPDATE SET
        complete = EXCLUDED.complete,
        duration_ms = EXCLUDED.duration_ms,
        media_bytes = EXCLUDED.media_bytes,
        packets_received = EXCLUDED.packets_received,
        packets_lost = EXCLUDED.packets_lost,
        end_time = EXCLUDED.end_time
      RETURNING (xmax = 0) AS inserted""";

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
      int marked = upsertCopies(connection, fence, byInum.values(), interactions.idByKey());
      // A new interaction's copies are all in this batch, so its best copy was set when it was created.
      if (!interactions.existing().isEmpty()) {
        updateBestCopies(connection, interactions.existing());
      }
      return new MarkResult(marked, calls.size() - marked, interactions.created());
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

  private record InteractionIds(Map<String, Long> idByKey, List<Long> existing, int created) {}

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
    String[] starts = new String[size];
    String[] ends = new String[size];
    String[] participants = new String[size];
    Long[] best = new Long[size];
    int i = 0;
    for (Map.Entry<String, CallRecord[]> entry : span.entrySet()) {
      keys[i] = entry.getKey();
      starts[i] = entry.getValue()[0].start().toString();
      ends[i] = entry.getValue()[1].end() == null ? null : entry.getValue()[1].end().toString();
      participants[i] = Json.write(entry.getValue()[0].participants());
      best[i] = entry.getValue()[2].inum().value();
      i++;
    }
    Map<String, Long> idByKey = new HashMap<>(size * 2);
    List<Long> existing = new ArrayList<>();
    int created = 0;
    try (PreparedStatement statement = connection.prepareStatement(UPSERT_INTERACTIONS)) {
      statement.setArray(1, connection.createArrayOf("text", keys));
      statement.setArray(2, connection.createArrayOf("text", starts));
      statement.setArray(3, connection.createArrayOf("text", ends));
      statement.setArray(4, connection.createArrayOf("text", participants));
      statement.setArray(5, connection.createArrayOf("bigint", best));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          idByKey.put(rows.getString(2), rows.getLong(1));
          if (rows.getBoolean(3)) {
            created++;
          } else {
            existing.add(rows.getLong(1));
          }
        }
      }
    }
    return new InteractionIds(idByKey, existing, created);
  }

  private int upsertCopies(Connection connection, Fence fence, Iterable<CallRecord> calls,
      Map<String, Long> idByKey) throws SQLException {
    List<CallRecord> rows = new ArrayList<>();
    calls.forEach(rows::add);
    int size = rows.size();
    Long[] inums = new Long[size];
    Long[] interactionIds = new Long[size];
    Integer[] serials = new Integer[size];
    String[] roles = new String[size];
    Boolean[] complete = new Boolean[size];
    Long[] durations = new Long[size];
    Long[] bytes = new Long[size];
    Long[] received = new Long[size];
    Long[] lost = new Long[size];
    String[] starts = new String[size];
    String[] ends = new String[size];
    for (int i = 0; i < size; i++) {
      CallRecord call = rows.get(i);
      inums[i] = call.inum().value();
      interactionIds[i] = idByKey.get(call.correlationKey());
      serials[i] = call.inum().serial();
      roles[i] = call.callRole().name();
      complete[i] = call.complete();
      durations[i] = call.stats().durationMillis();
      bytes[i] = call.stats().bytes();
      received[i] = call.stats().packetsReceived();
      lost[i] = call.stats().packetsLost();
      starts[i] = call.start().toString();
      ends[i] = call.end() == null ? null : call.end().toString();
    }
    int marked = 0;
    try (PreparedStatement statement = connection.prepareStatement(UPSERT_COPIES)) {
      statement.setLong(1, fence.epoch());
      statement.setTimestamp(2, Timestamp.from(clock.instant()));
      Array[] arrays = {
          connection.createArrayOf("bigint", inums), connection.createArrayOf("bigint", interactionIds),
          connection.createArrayOf("int4", serials), connection.createArrayOf("text", roles),
          connection.createArrayOf("bool", complete), connection.createArrayOf("bigint", durations),
          connection.createArrayOf("bigint", bytes), connection.createArrayOf("bigint", received),
          connection.createArrayOf("bigint", lost), connection.createArrayOf("text", starts),
          connection.createArrayOf("text", ends)};
      for (int i = 0; i < arrays.length; i++) {
        statement.setArray(3 + i, arrays[i]);
      }
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          marked += result.getBoolean(1) ? 1 : 0;
        }
      }
    }
    return marked;
  }

  private static void updateBestCopies(Connection connection, Iterable<Long> interactionIds) throws SQLException {
    List<Long> ids = new ArrayList<>();
    interactionIds.forEach(ids::add);
    ids.sort(null);
    try (PreparedStatement statement = connection.prepareStatement(UPDATE_BEST_COPIES)) {
      statement.setArray(1, connection.createArrayOf("bigint", ids.toArray(Long[]::new)));
      statement.executeUpdate();
    }
  }
}
