package io.tandem.database;

import io.tandem.call.CallRecord;
import io.tandem.json.Json;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Marks a batch of calls in one transaction and a fixed number of round trips whatever the batch size:
 * the fence check, the batch sent by COPY into two session-local staging tables, one statement that
 * upserts the interactions and then the copies, and one recomputation of the best copies. One
 * interaction per correlation key rests on the unique constraint and the upserts alone, never on a read
 * before a write. Thread-safe.
 */
final class CallMarking {
  private static final String LOCK_PAIR = """
      SELECT p.epoch FROM recorders r JOIN pairs p ON p.name = r.pair
      WHERE r.serial = ? FOR SHARE OF p""";

  // Emptied at every commit, and created in the batch's own transaction, so no batch sees another's rows.
  private static final String STAGING_TABLES = """
      CREATE TEMP TABLE IF NOT EXISTS marking_interactions (
        correlation_key text, start_time timestamptz, end_time timestamptz, participants text, best_inum bigint
      ) ON COMMIT DELETE ROWS;
      CREATE TEMP TABLE IF NOT EXISTS marking_copies (
        inum bigint, correlation_key text, serial integer, call_role text, complete boolean, duration_ms bigint,
        media_bytes bigint, packets_received bigint, packets_lost bigint, start_time timestamptz, end_time timestamptz
      ) ON COMMIT DELETE ROWS""";

  private static final String COPY_INTERACTIONS = "COPY pg_temp.marking_interactions FROM STDIN";
  private static final String COPY_COPIES = "COPY pg_temp.marking_copies FROM STDIN";

  // Interactions are locked in key order and copies in INUM order, so concurrent batches cannot deadlock.
  // A copy marked again with the same figures is left as it is, to spare a dead row and its index entries.
  private static final String UPSERT = """
      WITH upserted AS (
        INSERT INTO interactions (correlation_key, start_time, end_time, participants, best_inum)
        SELECT correlation_key, start_time, end_time, participants::jsonb, best_inum
        FROM pg_temp.marking_interactions ORDER BY correlation_key
        ON CONFLICT (correlation_key) DO UPDATE SET
          start_time = LEAST(interactions.start_time, EXCLUDED.start_time),
          end_time = GREATEST(interactions.end_time, EXCLUDED.end_time),
          participants = CASE WHEN interactions.participants = '[]'::jsonb
                              THEN EXCLUDED.participants ELSE interactions.participants END
        RETURNING id, correlation_key, (xmax = 0) AS created),
      linked AS (
        INSERT INTO copies (inum, interaction_id, serial, call_role, complete, duration_ms, media_bytes,
                            packets_received, packets_lost, start_time, end_time, marked_epoch, marked_at)
        SELECT c.inum, u.id, c.serial, c.call_role, c.complete, c.duration_ms, c.media_bytes,
               c.packets_received, c.packets_lost, c.start_time, c.end_time, ?, ?
        FROM pg_temp.marking_copies c JOIN upserted u ON u.correlation_key = c.correlation_key
        ORDER BY c.inum
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
        RETURNING (xmax = 0) AS inserted)
      SELECT (SELECT count(*) FROM upserted WHERE created),
             (SELECT count(*) FROM linked WHERE inserted),
             (SELECT array_agg(id ORDER BY id) FROM upserted WHERE NOT created)""";

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
    CopyText interactionRows = interactionRows(byInum.values());
    CopyText copyRows = copyRows(byInum.values());
    return Transactions.inTransaction(dataSource, connection -> {
      checkFence(connection, fence);
      try (Statement statement = connection.createStatement()) {
        statement.execute(STAGING_TABLES);
      }
      interactionRows.copyIn(connection, COPY_INTERACTIONS);
      copyRows.copyIn(connection, COPY_COPIES);
      try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
        statement.setLong(1, fence.epoch());
        statement.setTimestamp(2, Timestamp.from(clock.instant()));
        try (ResultSet row = statement.executeQuery()) {
          row.next();
          int created = row.getInt(1);
          int marked = row.getInt(2);
          Array existing = row.getArray(3);
          // A new interaction's copies are all in this batch, so its best copy was set when it was created.
          if (existing != null) {
            updateBestCopies(connection, existing);
          }
          return new MarkResult(marked, calls.size() - marked, created);
        }
      }
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

  /** One row per correlation key: the earliest start, the latest end and the best copy among the batch's calls. */
  private static CopyText interactionRows(Collection<CallRecord> calls) {
    Map<String, CallRecord[]> span = new HashMap<>();
    for (CallRecord call : calls) {
      CallRecord[] firstLastBest = span.computeIfAbsent(call.correlationKey(),
          k -> new CallRecord[] {call, call, call});
      if (call.start().isBefore(firstLastBest[0].start())) {
        firstLastBest[0] = call;
      }
      if (call.end() != null && (firstLastBest[1].end() == null || call.end().isAfter(firstLastBest[1].end()))) {
        firstLastBest[1] = call;
      }
      if (BEST_FIRST.compare(call, firstLastBest[2]) < 0) {
        firstLastBest[2] = call;
      }
    }
    CopyText rows = new CopyText(span.size());
    span.forEach((key, firstLastBest) -> rows.text(key)
        .instant(firstLastBest[0].start())
        .instant(firstLastBest[1].end())
        .text(Json.write(firstLastBest[0].participants()))
        .number(firstLastBest[2].inum().value())
        .endRow());
    return rows;
  }

  private static CopyText copyRows(Collection<CallRecord> calls) {
    CopyText rows = new CopyText(calls.size());
    for (CallRecord call : calls) {
      rows.number(call.inum().value())
          .text(call.correlationKey())
          .number(call.inum().serial())
          .text(call.callRole().name())
          .bool(call.complete())
          .number(call.stats().durationMillis())
          .number(call.stats().bytes())
          .number(call.stats().packetsReceived())
          .number(call.stats().packetsLost())
          .instant(call.start())
          .instant(call.end())
          .endRow();
    }
    return rows;
  }

  private static void updateBestCopies(Connection connection, Array interactionIds) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(UPDATE_BEST_COPIES)) {
      statement.setArray(1, interactionIds);
      statement.executeUpdate();
    }
  }
}
