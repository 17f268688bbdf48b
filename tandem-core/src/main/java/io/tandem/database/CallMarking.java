package io.tandem.database;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.tandem.call.CallRecord;
import io.tandem.call.Participant;
import io.tandem.json.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Marks a batch of calls in one transaction and a fixed number of statements whatever the batch size: the
 * fence check, then either two binary COPYs when every conversation of a large batch is new, or one read
 * when every call is marked already and unchanged (a reprocess), or one upsert of the interactions, one of
 * the copies, and only when the batch touched interactions that existed before, a look-up of their ids and
 * one recomputation of their best copies. One interaction per correlation key rests on the unique
 * constraint (and the upserts) alone, never on a read before a write: the read only ever spares writing.
 * Thread-safe.
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
                          packets_received, packets_lost, start_time, end_time, marked_epoch, marked_at, quirks, dtmf)
      SELECT t.inum, t.iid, t.serial, t.role, t.complete, t.dur, t.bytes, t.rx, t.lost, %s, %s, ?, ?, t.q::jsonb,
             t.d::jsonb
      FROM unnest(?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::boolean[], ?::bigint[], ?::bigint[],
                  ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])
           AS t(inum, iid, serial, role, complete, dur, bytes, rx, lost, s, e, q, d)""".formatted(MICROS.formatted("t.s"),
      MICROS.formatted("t.e"));

  private static final String UPSERT_COPIES = INSERT_COPIES + """

      ON CONFLICT (inum) DO UPDATE SET
        complete = EXCLUDED.complete,
        duration_ms = EXCLUDED.duration_ms,
        media_bytes = EXCLUDED.media_bytes,
        packets_received = EXCLUDED.packets_received,
        packets_lost = EXCLUDED.packets_lost,
        end_time = EXCLUDED.end_time,
        quirks = EXCLUDED.quirks,
        dtmf = EXCLUDED.dtmf
      WHERE (copies.complete, copies.duration_ms, copies.media_bytes, copies.packets_received,
             copies.packets_lost, copies.end_time, copies.quirks, copies.dtmf)
            IS DISTINCT FROM (EXCLUDED.complete, EXCLUDED.duration_ms, EXCLUDED.media_bytes,
             EXCLUDED.packets_received, EXCLUDED.packets_lost, EXCLUDED.end_time, EXCLUDED.quirks, EXCLUDED.dtmf)
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

  private static final String NEW_INTERACTION_IDS = """
      SELECT nextval('interactions_id_seq') FROM generate_series(1, ?)""";

  /**
   * How many calls of a batch the call database holds already as marking them would leave them: the
   * interaction of the call's conversation needs no change (its span covers the call, it has participants
   * or the call brings none) and the copy is there with the same figures. When that is every call, the
   * upserts would change nothing; this reads instead of locking and rewriting each row, as they would.
   */
  private static final String ALREADY_MARKED = """
      SELECT count(*)
      FROM unnest(?::bigint[], ?::text[], ?::boolean[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                  ?::bigint[], ?::bigint[], ?::boolean[], ?::text[], ?::text[])
           AS t(inum, k, complete, dur, bytes, rx, lost, s, e, named, q, d)
      JOIN interactions i ON i.correlation_key = t.k
      JOIN copies c ON c.inum = t.inum
      WHERE (c.complete, c.duration_ms, c.media_bytes, c.packets_received, c.packets_lost, c.end_time, c.quirks,
             c.dtmf)
            IS NOT DISTINCT FROM (t.complete, t.dur, t.bytes, t.rx, t.lost, %s, t.q::jsonb, t.d::jsonb)
        AND i.start_time <= %s
        AND (t.e IS NULL OR i.end_time >= %s)
        AND NOT (t.named AND i.participants = '[]'::jsonb)""".formatted(MICROS.formatted("t.e"),
      MICROS.formatted("t.s"), MICROS.formatted("t.e"));

  private static final String UNIQUE_VIOLATION = "23505";

  private static final ObjectWriter PARTICIPANTS = Json.MAPPER.writerFor(new TypeReference<List<Participant>>() {});

  /** Batches smaller than this are not worth the COPY path's extra round trips. */
  private static final int COPY_AT_LEAST = 32;

  /** Batches of at least twice this many conversations are marked as two halves at once. */
  private static final int HALF_AT_LEAST = 200;

  private final DataSource dataSource;
  private final Clock clock;

  /**
   * Whether the last batch was all new conversations, so that the next one likely is too and tries the COPY
   * path. Only a guess: either path gives the same result.
   */
  private volatile boolean lastBatchAllNew = true;

  /**
   * Whether the last batch was all conversations and copies marked before, unchanged, as when a reprocess
   * marks calls again; the next one then likely is too and is checked by a read first. Only a guess.
   */
  private volatile boolean lastBatchAllMarked;

  private final AtomicLong copiedBatches = new AtomicLong();
  private final AtomicLong alreadyMarkedBatches = new AtomicLong();
  private final AtomicLong copyFallbacks = new AtomicLong();

  /** Marks the second half of a large batch; its threads end when idle. */
  private final ExecutorService halves = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "call-marking-half");
    thread.setDaemon(true);
    return thread;
  });

  CallMarking(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  void close() {
    halves.shutdown();
  }

  MarkResult mark(Fence fence, List<CallRecord> calls) throws SQLException, FencedException {
    if (calls.isEmpty()) {
      return new MarkResult(0, 0, 0);
    }
    Map<Long, CallRecord> byInum = new TreeMap<>();
    for (CallRecord call : calls) {
      byInum.put(call.inum().value(), call);
    }
    TreeMap<String, CallRecord[]> spans = spans(byInum.values());
    MarkResult result = spans.size() >= 2 * HALF_AT_LEAST
        ? markInHalves(fence, spans, byInum.values())
        : markInOneTransaction(fence, spans, byInum.values());
    return new MarkResult(result.marked(), calls.size() - result.marked(), result.interactionsCreated());
  }

  /**
   * Marks a large batch as two transactions at once on two connections, so that the call database works on
   * two cores; each half holds the calls of its own correlation keys, so the halves never wait for each
   * other. The batch is done when both committed. When one fails, the other may have committed: that half is
   * marked, and marking the whole batch again (as every caller does after a failure) finds it already there.
   */
  private MarkResult markInHalves(Fence fence, TreeMap<String, CallRecord[]> spans, Collection<CallRecord> calls)
      throws SQLException, FencedException {
    String middle = spans.keySet().stream().skip(spans.size() / 2).findFirst().orElseThrow();
    SortedMap<String, CallRecord[]> firstSpans = spans.headMap(middle);
    SortedMap<String, CallRecord[]> secondSpans = spans.tailMap(middle);
    List<CallRecord> firstCalls = new ArrayList<>(calls.size() / 2 + 1);
    List<CallRecord> secondCalls = new ArrayList<>(calls.size() / 2 + 1);
    for (CallRecord call : calls) {
      (call.correlationKey().compareTo(middle) < 0 ? firstCalls : secondCalls).add(call);
    }
    Future<MarkResult> second = halves.submit(() -> markInOneTransaction(fence, secondSpans, secondCalls));
    MarkResult first;
    try {
      first = markInOneTransaction(fence, firstSpans, firstCalls);
    } catch (SQLException | FencedException | RuntimeException | Error e) {
      try {
        waitFor(second);
      } catch (Exception | Error other) {
        e.addSuppressed(other);
      }
      throw e;
    }
    MarkResult other = waitFor(second);
    return new MarkResult(first.marked() + other.marked(), first.alreadyPresent() + other.alreadyPresent(),
        first.interactionsCreated() + other.interactionsCreated());
  }

  /** The other half's result, waiting for it without giving up (it takes milliseconds); rethrows its failure. */
  private static MarkResult waitFor(Future<MarkResult> half) throws SQLException, FencedException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return half.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          switch (e.getCause()) {
            case SQLException sql -> throw sql;
            case FencedException fenced -> throw fenced;
            case RuntimeException runtime -> throw runtime;
            case Error error -> throw error;
            default -> throw new IllegalStateException("marking half a batch failed", e.getCause());
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private MarkResult markInOneTransaction(Fence fence, SortedMap<String, CallRecord[]> spans,
      Collection<CallRecord> calls) throws SQLException, FencedException {
    return Transactions.inTransaction(dataSource, connection -> {
      checkFence(connection, fence);
      if (calls.size() >= COPY_AT_LEAST && lastBatchAllNew) {
        MarkResult copied = copyAllNew(connection, fence, spans, calls);
        if (copied != null) {
          return copied;
        }
      }
      if (lastBatchAllMarked) {
        if (alreadyMarked(connection, calls) == calls.size()) {
          alreadyMarkedBatches.incrementAndGet();
          return new MarkResult(0, calls.size(), 0);
        }
        lastBatchAllMarked = false;
      }
      MarkResult result = upsert(connection, fence, spans, calls);
      lastBatchAllNew = result.marked() == calls.size() && result.interactionsCreated() == spans.size();
      lastBatchAllMarked = result.marked() == 0 && result.interactionsCreated() == 0;
      return result;
    });
  }

  /**
   * The bulk path, for a batch whose conversations the call database has never seen, as in steady recording
   * and in a first reprocess: both tables are written with binary COPY under a savepoint. A correlation key
   * or an INUM that is there already fails its unique index, and the batch goes back to the savepoint and
   * through the upserts instead (null is returned). The unique constraints decide, never a read.
   */
  private MarkResult copyAllNew(Connection connection, Fence fence, SortedMap<String, CallRecord[]> spans,
      Collection<CallRecord> calls) throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    try {
      long[] ids = newInteractionIds(connection, spans.size());
      Map<String, Long> idByKey = new HashMap<>(spans.size() * 2);
      BinaryCopy interactions = new BinaryCopy(spans.size() * 200);
      int i = 0;
      for (Map.Entry<String, CallRecord[]> span : spans.entrySet()) {
        CallRecord[] firstLastBest = span.getValue();
        idByKey.put(span.getKey(), ids[i]);
        interactions.row(6).int8(ids[i]).text(span.getKey())
            .timestamptz(micros(firstLastBest[0].start()))
            .timestamptz(firstLastBest[1].end() == null ? null : micros(firstLastBest[1].end()))
            .jsonb(participantsJson(firstLastBest[0].participants()))
            .int8(firstLastBest[2].inum().value());
        i++;
      }
      interactions.copyInto(connection,
          "interactions (id, correlation_key, start_time, end_time, participants, best_inum)");
      BinaryCopy copies = new BinaryCopy(calls.size() * 160);
      long markedAt = micros(clock.instant());
      for (CallRecord call : calls) {
        copies.row(15).int8(call.inum().value()).int8(idByKey.get(call.correlationKey()))
            .int4(call.inum().serial()).text(call.callRole().name()).bool(call.complete())
            .int8(call.stats().durationMillis()).int8(call.stats().bytes())
            .int8(call.stats().packetsReceived()).int8(call.stats().packetsLost())
            .timestamptz(micros(call.start())).timestamptz(call.end() == null ? null : micros(call.end()))
            .int8(fence.epoch()).timestamptz(markedAt)
            .jsonb(jsonArray(call.quirks())).jsonb(jsonArray(call.dtmf()));
      }
      copies.copyInto(connection, "copies (inum, interaction_id, serial, call_role, complete, duration_ms, "
          + "media_bytes, packets_received, packets_lost, start_time, end_time, marked_epoch, marked_at, quirks, "
          + "dtmf)");
      connection.releaseSavepoint(savepoint);
      copiedBatches.incrementAndGet();
      return new MarkResult(calls.size(), 0, spans.size());
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      connection.rollback(savepoint);
      lastBatchAllNew = false;
      copyFallbacks.incrementAndGet();
      return null;
    }
  }

  private static long[] newInteractionIds(Connection connection, int count) throws SQLException {
    long[] ids = new long[count];
    try (PreparedStatement statement = connection.prepareStatement(NEW_INTERACTION_IDS)) {
      statement.setInt(1, count);
      try (ResultSet rows = statement.executeQuery()) {
        for (int i = 0; i < count; i++) {
          if (!rows.next()) {
            throw new IllegalStateException("the call database gave " + i + " interaction ids of " + count);
          }
          ids[i] = rows.getLong(1);
        }
      }
    }
    return ids;
  }

  /** The path for any batch: upserts that add what is missing and leave what is marked already. */
  private MarkResult upsert(Connection connection, Fence fence, SortedMap<String, CallRecord[]> spans,
      Collection<CallRecord> calls) throws SQLException {
    InteractionIds interactions = upsertInteractions(connection, spans);
    // A new interaction has no copies before this batch, so its copies are plain inserts.
    List<CallRecord> ofNew = new ArrayList<>();
    List<CallRecord> ofExisting = new ArrayList<>();
    for (CallRecord call : calls) {
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
  }

  /** Batches marked by COPY so far, whether or not they committed. */
  long copiedBatches() {
    return copiedBatches.get();
  }

  /** Batches found marked already, unchanged, by a read, and so not written at all. */
  long alreadyMarkedBatches() {
    return alreadyMarkedBatches.get();
  }

  /** Batches that tried COPY, met a conversation or copy marked before, and went through the upserts. */
  long copyFallbacks() {
    return copyFallbacks.get();
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

  /**
   * One entry per correlation key, sorted so that concurrent batches lock interactions in the same order,
   * holding the batch's call with the earliest start, the one with the latest end, and its best copy.
   */
  private static TreeMap<String, CallRecord[]> spans(Iterable<CallRecord> calls) {
    TreeMap<String, CallRecord[]> span = new TreeMap<>();
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
    return span;
  }

  private static InteractionIds upsertInteractions(Connection connection, SortedMap<String, CallRecord[]> span)
      throws SQLException {
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
      participants[i] = new String(participantsJson(entry.getValue()[0].participants()), StandardCharsets.UTF_8);
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

  /**
   * Runs {@link #ALREADY_MARKED}. Read at the fence's share lock like the upserts; a conversation changed
   * or removed after this read is a change after the batch, which was then already marked.
   */
  private static long alreadyMarked(Connection connection, Collection<CallRecord> calls) throws SQLException {
    CallColumns columns = new CallColumns(calls);
    PGConnection pg = connection.unwrap(PGConnection.class);
    try (PreparedStatement statement = connection.prepareStatement(ALREADY_MARKED)) {
      statement.setArray(1, pg.createArrayOf("bigint", columns.inums));
      statement.setArray(2, connection.createArrayOf("text", columns.keys));
      statement.setArray(3, pg.createArrayOf("bool", columns.complete));
      statement.setArray(4, pg.createArrayOf("bigint", columns.durations));
      statement.setArray(5, pg.createArrayOf("bigint", columns.bytes));
      statement.setArray(6, pg.createArrayOf("bigint", columns.received));
      statement.setArray(7, pg.createArrayOf("bigint", columns.lost));
      statement.setArray(8, pg.createArrayOf("bigint", columns.starts));
      statement.setArray(9, connection.createArrayOf("bigint", columns.ends));
      statement.setArray(10, pg.createArrayOf("bool", columns.named));
      statement.setArray(11, connection.createArrayOf("text", columns.quirks));
      statement.setArray(12, connection.createArrayOf("text", columns.dtmf));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private void bindCopies(Connection connection, PreparedStatement statement, Fence fence, List<CallRecord> calls,
      Map<String, Long> idByKey) throws SQLException {
    CallColumns columns = new CallColumns(calls);
    long[] interactionIds = new long[calls.size()];
    for (int i = 0; i < interactionIds.length; i++) {
      interactionIds[i] = idByKey.get(columns.keys[i]);
    }
    statement.setLong(1, fence.epoch());
    statement.setTimestamp(2, Timestamp.from(clock.instant()));
    Object[] arrays = {columns.inums, interactionIds, columns.serials, columns.roles, columns.complete,
        columns.durations, columns.bytes, columns.received, columns.lost, columns.starts, columns.ends,
        columns.quirks, columns.dtmf};
    String[] types = {"bigint", "bigint", "int4", "text", "bool", "bigint", "bigint", "bigint", "bigint", "bigint",
        "bigint", "text", "text"};
    PGConnection pg = connection.unwrap(PGConnection.class);
    for (int i = 0; i < arrays.length; i++) {
      statement.setArray(3 + i, pg.createArrayOf(types[i], arrays[i]));
    }
  }

  /** A batch's calls as one array per column, in the batch's order, as the statements bind them. */
  private static final class CallColumns {
    final long[] inums;
    final String[] keys;
    final int[] serials;
    final String[] roles;
    final boolean[] complete;
    final long[] durations;
    final long[] bytes;
    final long[] received;
    final long[] lost;
    final long[] starts;
    final Long[] ends;
    /** Whether the call has participants. */
    final boolean[] named;
    /** The call's quirks and DTMF events as JSON arrays. */
    final String[] quirks;
    final String[] dtmf;

    CallColumns(Collection<CallRecord> calls) {
      int size = calls.size();
      inums = new long[size];
      keys = new String[size];
      serials = new int[size];
      roles = new String[size];
      complete = new boolean[size];
      durations = new long[size];
      bytes = new long[size];
      received = new long[size];
      lost = new long[size];
      starts = new long[size];
      ends = new Long[size];
      named = new boolean[size];
      quirks = new String[size];
      dtmf = new String[size];
      int i = 0;
      for (CallRecord call : calls) {
        inums[i] = call.inum().value();
        keys[i] = call.correlationKey();
        serials[i] = call.inum().serial();
        roles[i] = call.callRole().name();
        complete[i] = call.complete();
        durations[i] = call.stats().durationMillis();
        bytes[i] = call.stats().bytes();
        received[i] = call.stats().packetsReceived();
        lost[i] = call.stats().packetsLost();
        starts[i] = micros(call.start());
        ends[i] = call.end() == null ? null : micros(call.end());
        named[i] = !call.participants().isEmpty();
        quirks[i] = new String(jsonArray(call.quirks()), StandardCharsets.UTF_8);
        dtmf[i] = new String(jsonArray(call.dtmf()), StandardCharsets.UTF_8);
        i++;
      }
    }
  }

  private static void updateBestCopies(Connection connection, List<Long> ids) throws SQLException {
    ids.sort(null);
    try (PreparedStatement statement = connection.prepareStatement(UPDATE_BEST_COPIES)) {
      statement.setArray(1, connection.createArrayOf("bigint", ids.toArray(Long[]::new)));
      statement.executeUpdate();
    }
  }

  /** The participants as JSON, by a writer bound to their type (a list of unknown type costs a look-up per element). */
  private static byte[] participantsJson(List<Participant> participants) {
    try {
      return PARTICIPANTS.writeValueAsBytes(participants);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the participants as JSON: " + participants, e);
    }
  }

  private static final byte[] EMPTY_ARRAY = {'[', ']'};

  /** A list as a JSON array; most calls have no quirks and no DTMF, and their empty array costs nothing. */
  private static byte[] jsonArray(List<?> values) {
    if (values.isEmpty()) {
      return EMPTY_ARRAY;
    }
    try {
      return Json.MAPPER.writeValueAsBytes(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a list as JSON: " + values, e);
    }
  }

  /** Microseconds since the epoch, rounded half to even as PostgreSQL rounds a time it parses. */
  static long micros(Instant instant) {
    long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    int rest = instant.getNano() % 1_000;
    return rest > 500 || (rest == 500 && (micros & 1) == 1) ? micros + 1 : micros;
  }
}
