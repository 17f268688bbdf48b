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
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.postgresql.PGConnection;

/**
 * The statements that write marked calls, each set-based: one statement (or one COPY) whatever the number of
 * calls, every value bound as an array or sent in binary, times as microseconds since the epoch. They run in
 * the caller's transaction and decide nothing: which of them runs, and with which interaction for each call,
 * is the marking policy's choice. Stateless.
 */
final class MarkingStatements {
  // Times travel as microseconds since the epoch in binary arrays: exact, and no text to parse per row.
  private static final String MICROS = "timestamptz 'epoch' + %s * interval '1 microsecond'";

  /**
   * How far past an interaction's start or end a linked copy (the secondary's, {@link #SETTLE_ADDED}) must reach
   * before the interaction is written for it alone. The two recorders of a pair see a conversation begin and end
   * milliseconds apart, so nearly every linked copy reaches a little past its interaction; writing the
   * interaction's row again for that would double the cost of linking (a new row version, and a new entry in
   * every index of {@code interactions} when the start moves) for a difference no one searches by. A row written
   * anyway (its best copy changes, it is named) takes the exact span of all its copies, and marking (a recorder's
   * own copies, changed or promoted) always widens exactly; a copy truncated or started late differs by far more.
   */
  private static final String SPAN_SLACK = "interval '1 second'";

  private static final String INSERT_INTERACTIONS = """
      INSERT INTO interactions (id, correlation_key, start_time, end_time, participants, best_inum, sip_identity,
                                participants_key)
      SELECT t.id, t.k, %s, %s, t.p::jsonb, t.b, t.sip, t.pk
      FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[])
           AS t(id, k, s, e, p, b, sip, pk)""".formatted(MICROS.formatted("t.s"), MICROS.formatted("t.e"));

  /**
   * Widens interactions to cover the spans of their own keys and names those that had no participants; a row
   * that would not change is not written.
   */
  private static final String WIDEN = """
      UPDATE interactions i SET
        start_time = LEAST(i.start_time, %1$s),
        end_time = GREATEST(i.end_time, %2$s),
        participants = CASE WHEN i.participants = '[]'::jsonb THEN t.p::jsonb ELSE i.participants END
      FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[]) AS t(id, s, e, p)
      WHERE i.id = t.id AND i.id = ANY(?::bigint[])
        AND (%1$s < i.start_time OR %2$s > i.end_time OR (i.end_time IS NULL AND t.e IS NOT NULL)
         OR (i.participants = '[]'::jsonb AND t.p::jsonb <> '[]'::jsonb))""".formatted(MICROS.formatted("t.s"),
      MICROS.formatted("t.e"));

  private static final String COPY_COLUMNS = "inum, interaction_id, correlation_key, serial, call_role, complete, "
      + "duration_ms, media_bytes, packets_received, packets_lost, start_time, end_time, marked_epoch, marked_at, "
      + "quirks, dtmf";

  private static final String INSERT_COPIES = """
      INSERT INTO copies (%s)
      SELECT t.inum, t.iid, t.k, t.serial, t.role, t.complete, t.dur, t.bytes, t.rx, t.lost, %s, %s, ?, ?, t.q::jsonb,
             t.d::jsonb
      FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::text[], ?::boolean[], ?::bigint[], ?::bigint[],
                  ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])
           AS t(inum, iid, k, serial, role, complete, dur, bytes, rx, lost, s, e, q, d)""".formatted(COPY_COLUMNS,
      MICROS.formatted("t.s"), MICROS.formatted("t.e"));

  /**
   * Updates the figures of copies that are there and inserts the others: a copy stays with the interaction it was
   * first written under, found through {@code copy_inums}, whatever the interaction given for it. A copy that another
   * transaction inserts meanwhile fails the insert with a unique violation; {@link #upsertCopies} then runs it again.
   */
  private static final String UPSERT_COPIES = """
      WITH t AS (
        SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::text[], ?::boolean[], ?::bigint[],
                             ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])
               AS t(inum, iid, k, serial, role, complete, dur, bytes, rx, lost, s, e, q, d)
      ), changed AS (
        UPDATE copies c SET
          complete = t.complete,
          duration_ms = t.dur,
          media_bytes = t.bytes,
          packets_received = t.rx,
          packets_lost = t.lost,
          end_time = %3$s,
          quirks = t.q::jsonb,
          dtmf = t.d::jsonb
        FROM t JOIN copy_inums ci ON ci.inum = t.inum
        WHERE c.interaction_id = ci.interaction_id AND c.inum = t.inum
          AND (c.complete, c.duration_ms, c.media_bytes, c.packets_received, c.packets_lost, c.end_time, c.quirks,
               c.dtmf)
              IS DISTINCT FROM (t.complete, t.dur, t.bytes, t.rx, t.lost, %3$s, t.q::jsonb, t.d::jsonb)
        RETURNING c.interaction_id
      ), added AS (
        INSERT INTO copies (%1$s)
        SELECT t.inum, t.iid, t.k, t.serial, t.role, t.complete, t.dur, t.bytes, t.rx, t.lost, %2$s, %3$s, ?, ?,
               t.q::jsonb, t.d::jsonb
        FROM t WHERE NOT EXISTS (SELECT 1 FROM copy_inums ci JOIN copies c
                                 ON c.interaction_id = ci.interaction_id AND c.inum = ci.inum
                                 WHERE ci.inum = t.inum)
        RETURNING interaction_id
      )
      SELECT interaction_id, false FROM changed UNION ALL SELECT interaction_id, true FROM added"""
      .formatted(COPY_COLUMNS, MICROS.formatted("t.s"), MICROS.formatted("t.e"));

  private static final String UPDATE_BEST_COPIES = """
      UPDATE interactions i SET best_inum = b.inum
      FROM (SELECT DISTINCT ON (interaction_id) interaction_id, inum FROM copies
            WHERE interaction_id = ANY(?::bigint[])
            ORDER BY interaction_id, %s) b
      WHERE i.id = b.interaction_id AND i.id = ANY(?::bigint[]) AND i.best_inum IS DISTINCT FROM b.inum"""
      .formatted(BestCopy.ORDER_BY);

  /**
   * Widens interactions to cover the copies just added to them, names them when they had no participants, and
   * sets their best copy among all their copies; a row that would not change is not written.
   */
  private static final String SETTLE = """
      UPDATE interactions i SET
        start_time = LEAST(i.start_time, %1$s),
        end_time = GREATEST(i.end_time, %2$s),
        participants = CASE WHEN i.participants = '[]'::jsonb THEN t.p::jsonb ELSE i.participants END,
        best_inum = b.inum
      FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[]) AS t(id, s, e, p)
      CROSS JOIN LATERAL (SELECT c.inum FROM copies c WHERE c.interaction_id = t.id ORDER BY %3$s LIMIT 1) b
      WHERE i.id = t.id AND i.id = ANY(?::bigint[])
        AND (%1$s < i.start_time OR %2$s > i.end_time OR (i.end_time IS NULL AND t.e IS NOT NULL)
         OR (i.participants = '[]'::jsonb AND t.p::jsonb <> '[]'::jsonb) OR i.best_inum IS DISTINCT FROM b.inum)"""
      .formatted(MICROS.formatted("t.s"), MICROS.formatted("t.e"), BestCopy.ORDER_BY);

  /**
   * {@link #SETTLE} for copies that were only added: the best copy is the better of the interaction's best before
   * and the best of the copies added, one look-up of a copy rather than a sort of all of them. An interaction with
   * no best copy yet has its copies sorted.
   */
  private static final String SETTLE_ADDED = """
      WITH t AS (
        SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::boolean[], ?::bigint[])
               AS t(id, s, e, p, inum, complete, duration_ms)
      ), n AS (
        SELECT t.id, t.s, t.e, t.p,
               CASE WHEN b.inum IS NULL
                    THEN (SELECT c.inum FROM copies c WHERE c.interaction_id = t.id ORDER BY %3$s LIMIT 1)
                    WHEN %5$s THEN t.inum ELSE b.inum END AS best
        FROM t
        JOIN LATERAL (SELECT i.best_inum FROM interactions i WHERE i.id = t.id LIMIT 1) i ON true
        LEFT JOIN LATERAL (SELECT b.inum, b.complete, b.duration_ms FROM copies b
                           WHERE b.interaction_id = t.id AND b.inum = i.best_inum LIMIT 1) b ON true
      )
      UPDATE interactions i SET
        start_time = LEAST(i.start_time, %1$s),
        end_time = GREATEST(i.end_time, %2$s),
        participants = CASE WHEN i.participants = '[]'::jsonb THEN t.p::jsonb ELSE i.participants END,
        best_inum = t.best
      FROM n t
      WHERE i.id = t.id AND i.id = ANY(?::bigint[])
        AND (%1$s < i.start_time - %4$s OR %2$s > i.end_time + %4$s OR (i.end_time IS NULL AND t.e IS NOT NULL)
         OR (i.participants = '[]'::jsonb AND t.p::jsonb <> '[]'::jsonb) OR i.best_inum IS DISTINCT FROM t.best)"""
      .formatted(MICROS.formatted("t.s"), MICROS.formatted("t.e"), BestCopy.ORDER_BY, SPAN_SLACK,
          BestCopy.beats("t", "b"));

  /**
   * A new interaction's id for a start (an expression of timestamptz): the month whose partition holds it, shifted
   * left by 40 bits, or-ed with the next number of the sequence (migration V18). The start's own month is looked for
   * among the months there are ({@link #MONTHS}, read once a statement) and the partition's month asked of the
   * server only for a start whose month has none: asking it for every start cost more than the rest of marking.
   */
  private static final String NEW_ID = """
      (CASE WHEN call_month(%1$s) = ANY(months.known) THEN call_month(%1$s)
            ELSE interaction_month(%1$s) END::bigint << %2$d) | nextval('interactions_id_seq')""";

  /** {@link #NEW_ID} for the start given, an expression of timestamptz. */
  static String newId(String start) {
    return NEW_ID.formatted(start, CallMonths.MONTH_SHIFT);
  }

  /** The months that have partitions, as one array: joined to a statement that uses {@link #newId}. */
  static final String MONTHS = "(SELECT array_agg(month) AS known FROM call_months) months";

  private static final String NEW_INTERACTION_IDS = """
      SELECT %s FROM unnest(?::bigint[]) WITH ORDINALITY AS t(s, n) CROSS JOIN %s ORDER BY t.n"""
      .formatted(newId(MICROS.formatted("t.s")), MONTHS);

  /**
   * How many calls of a batch the call database holds already as marking them would leave them: the
   * interaction of the call's copy needs no change (its span covers the call, it has participants or the call
   * brings none) and the copy is there with the same figures.
   */
  private static final String ALREADY_MARKED = """
      SELECT count(*)
      FROM unnest(?::bigint[], ?::boolean[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                  ?::bigint[], ?::boolean[], ?::text[], ?::text[])
           AS t(inum, complete, dur, bytes, rx, lost, s, e, named, q, d)
      JOIN copy_inums ci ON ci.inum = t.inum
      JOIN LATERAL (
        SELECT c.interaction_id, c.complete, c.duration_ms, c.media_bytes, c.packets_received, c.packets_lost,
               c.end_time, c.quirks, c.dtmf
        FROM copies c WHERE c.interaction_id = ci.interaction_id AND c.inum = t.inum LIMIT 1) c ON true
      JOIN LATERAL (
        SELECT i.start_time, i.end_time, i.participants FROM interactions i WHERE i.id = c.interaction_id LIMIT 1) i
        ON true
      WHERE (c.complete, c.duration_ms, c.media_bytes, c.packets_received, c.packets_lost, c.end_time, c.quirks,
             c.dtmf)
            IS NOT DISTINCT FROM (t.complete, t.dur, t.bytes, t.rx, t.lost, %s, t.q::jsonb, t.d::jsonb)
        AND i.start_time <= %s
        AND (t.e IS NULL OR i.end_time >= %s)
        AND NOT (t.named AND i.participants = '[]'::jsonb)""".formatted(MICROS.formatted("t.e"),
      MICROS.formatted("t.s"), MICROS.formatted("t.e"));

  private static final String UNIQUE_VIOLATION = "23505";

  /** How often {@link #upsertCopies} runs when other transactions keep inserting its copies first. */
  private static final int UPSERT_ATTEMPTS = 3;

  private static final ObjectWriter PARTICIPANTS = Json.MAPPER.writerFor(new TypeReference<List<Participant>>() {});

  private MarkingStatements() {}

  /** The interactions an upsert wrote or found, by key. */
  record UpsertedInteractions(Map<String, Long> idByKey, Set<String> created, Set<Long> behindTombstones) {}

  /** Copies an upsert added, and the interactions whose copies it added or changed. */
  record CopyChanges(int inserted, Set<Long> interactionIds) {}

  /**
   * Writes one new interaction per span and every call as its copy by binary COPYs under a savepoint, the keys
   * first. False, with the transaction back at the savepoint, when a key or an INUM is there already: the unique
   * indexes decide, never a read.
   */
  static boolean copyAllNew(Connection connection, Map<String, Span> spans, Collection<CallRecord> calls,
      long epoch, Instant markedAt) throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    try {
      long[] ids = newInteractionIds(connection, spans.values());
      Map<String, Long> idByKey = new HashMap<>(spans.size() * 2);
      BinaryCopy keys = new BinaryCopy(spans.size() * 60);
      BinaryCopy interactions = new BinaryCopy(spans.size() * 220);
      int i = 0;
      for (Map.Entry<String, Span> entry : spans.entrySet()) {
        Span span = entry.getValue();
        idByKey.put(entry.getKey(), ids[i]);
        keys.row(3).text(entry.getKey()).int8(ids[i]).timestamptz(span.startMicros());
        interactions.row(8).int8(ids[i]).text(entry.getKey()).timestamptz(span.startMicros())
            .timestamptz(span.endMicros()).jsonb(participantsJson(span.participants())).int8(span.bestInum())
            .textOrNull(span.sipIdentity()).textOrNull(span.participantsKey());
        i++;
      }
      keys.copyInto(connection, "interaction_keys (correlation_key, interaction_id, start_time)");
      interactions.copyInto(connection, "interactions (id, correlation_key, start_time, end_time, participants, "
          + "best_inum, sip_identity, participants_key)");
      long[] copyIds = new long[calls.size()];
      int c = 0;
      for (CallRecord call : calls) {
        copyIds[c++] = idByKey.get(call.correlationKey());
      }
      copyCopies(connection, calls, copyIds, epoch, markedAt);
      connection.releaseSavepoint(savepoint);
      return true;
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      connection.rollback(savepoint);
      return false;
    }
  }

  /** A new interaction id for each span, in the order given, each in the month of the span's start. */
  private static long[] newInteractionIds(Connection connection, Collection<Span> spans) throws SQLException {
    int count = spans.size();
    long[] ids = new long[count];
    try (PreparedStatement statement = connection.prepareStatement(NEW_INTERACTION_IDS)) {
      statement.setArray(1, connection.unwrap(PGConnection.class).createArrayOf("bigint",
          spans.stream().mapToLong(Span::startMicros).toArray()));
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

  /**
   * Writes the interaction of every span that has none, widens the others, and gives the id of each: a key
   * held by a tombstone gives the interaction it points at, which is left for {@link #settle} to widen.
   */
  static UpsertedInteractions upsertInteractions(Connection connection, Map<String, Span> spans)
      throws SQLException {
    int size = spans.size();
    String[] keys = new String[size];
    long[] starts = new long[size];
    Long[] ends = new Long[size];
    String[] participants = new String[size];
    long[] best = new long[size];
    String[] sipIdentities = new String[size];
    String[] participantsKeys = new String[size];
    int i = 0;
    for (Map.Entry<String, Span> entry : spans.entrySet()) {
      Span span = entry.getValue();
      keys[i] = entry.getKey();
      starts[i] = span.startMicros();
      ends[i] = span.endMicros();
      participants[i] = new String(participantsJson(span.participants()), StandardCharsets.UTF_8);
      best[i] = span.bestInum();
      sipIdentities[i] = span.sipIdentity();
      participantsKeys[i] = span.participantsKey();
      i++;
    }
    Map<String, Long> idByKey = InteractionKeys.take(connection, keys, starts);
    Set<String> created = new HashSet<>(idByKey.keySet());
    if (!created.isEmpty()) {
      insertInteractions(connection, idByKey, keys, starts, ends, participants, best, sipIdentities,
          participantsKeys);
    }
    Set<Long> behindTombstones = new HashSet<>();
    if (idByKey.size() < size) {
      Set<String> own = InteractionKeys.held(connection, keys, idByKey, behindTombstones);
      widen(connection, keys, idByKey, own, starts, ends, participants);
    }
    return new UpsertedInteractions(idByKey, created, behindTombstones);
  }

  /** Writes the interactions of the keys just taken, the i-th span's under {@code ids.get(keys[i])}. */
  private static void insertInteractions(Connection connection, Map<String, Long> ids, String[] keys,
      long[] starts, Long[] ends, String[] participants, long[] best, String[] sipIdentities,
      String[] participantsKeys) throws SQLException {
    int[] taken = IntStream.range(0, keys.length).filter(i -> ids.containsKey(keys[i])).toArray();
    long[] takenIds = Arrays.stream(taken).mapToLong(i -> ids.get(keys[i])).toArray();
    try (PreparedStatement statement = connection.prepareStatement(INSERT_INTERACTIONS)) {
      PGConnection pg = connection.unwrap(PGConnection.class);
      statement.setArray(1, pg.createArrayOf("bigint", takenIds));
      statement.setArray(2, connection.createArrayOf("text", pick(keys, taken)));
      statement.setArray(3, pg.createArrayOf("bigint", Arrays.stream(taken).mapToLong(i -> starts[i]).toArray()));
      statement.setArray(4, connection.createArrayOf("bigint", pick(ends, taken)));
      statement.setArray(5, connection.createArrayOf("text", pick(participants, taken)));
      statement.setArray(6, pg.createArrayOf("bigint", Arrays.stream(taken).mapToLong(i -> best[i]).toArray()));
      statement.setArray(7, connection.createArrayOf("text", pick(sipIdentities, taken)));
      statement.setArray(8, connection.createArrayOf("text", pick(participantsKeys, taken)));
      statement.executeUpdate();
    }
  }

  /** Widens the interactions of the keys in {@code own} to cover their spans; {@link #WIDEN}. */
  private static void widen(Connection connection, String[] keys, Map<String, Long> ids, Set<String> own,
      long[] starts, Long[] ends, String[] participants) throws SQLException {
    int[] widened = IntStream.range(0, keys.length).filter(i -> own.contains(keys[i])).toArray();
    if (widened.length == 0) {
      return;
    }
    long[] widenedIds = Arrays.stream(widened).mapToLong(i -> ids.get(keys[i])).toArray();
    try (PreparedStatement statement = connection.prepareStatement(WIDEN)) {
      PGConnection pg = connection.unwrap(PGConnection.class);
      statement.setArray(1, pg.createArrayOf("bigint", widenedIds));
      statement.setArray(2, pg.createArrayOf("bigint", Arrays.stream(widened).mapToLong(i -> starts[i]).toArray()));
      statement.setArray(3, connection.createArrayOf("bigint", pick(ends, widened)));
      statement.setArray(4, connection.createArrayOf("text", pick(participants, widened)));
      statement.setArray(5, pg.createArrayOf("bigint", widenedIds));
      statement.executeUpdate();
    }
  }

  private static <T> T[] pick(T[] values, int[] indexes) {
    T[] picked = Arrays.copyOf(values, indexes.length);
    for (int i = 0; i < indexes.length; i++) {
      picked[i] = values[indexes[i]];
    }
    return picked;
  }

  /** Inserts the copies of interactions that had none before; {@code ids} holds each call's interaction. */
  static int insertCopies(Connection connection, List<CallRecord> calls, long[] ids, long epoch, Instant markedAt)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(INSERT_COPIES)) {
      statement.setLong(1, epoch);
      statement.setTimestamp(2, Timestamp.from(markedAt));
      bindCopies(connection, statement, 3, calls, ids);
      return statement.executeUpdate();
    }
  }

  /**
   * Inserts copies or updates their figures; a copy keeps its interaction whatever {@code ids} says. A copy inserted
   * by another transaction meanwhile (which waits for it, then fails on its INUM) sends the statement back to a
   * savepoint and runs it again, to find that copy there.
   */
  static CopyChanges upsertCopies(Connection connection, List<CallRecord> calls, long[] ids, long epoch,
      Instant markedAt) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      Savepoint savepoint = connection.setSavepoint();
      try {
        CopyChanges changes = changes(connection, UPSERT_COPIES, calls, ids, epoch, markedAt);
        connection.releaseSavepoint(savepoint);
        return changes;
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState()) || attempt == UPSERT_ATTEMPTS) {
          throw e;
        }
        connection.rollback(savepoint);
      }
    }
  }

  /**
   * Writes copies that are not there by binary COPY, each under the interaction in {@code ids}; an INUM that is
   * there already fails the whole statement (23505).
   */
  static void copyCopies(Connection connection, Collection<CallRecord> calls, long[] ids, long epoch,
      Instant markedAt) throws SQLException {
    BinaryCopy copies = new BinaryCopy(calls.size() * 200);
    long markedMicros = CallColumns.micros(markedAt);
    int i = 0;
    for (CallRecord call : calls) {
      copies.row(16).int8(call.inum().value()).int8(ids[i++]).text(call.correlationKey())
          .int4(call.inum().serial()).text(call.callRole().name()).bool(call.complete())
          .int8(call.stats().durationMillis()).int8(call.stats().bytes())
          .int8(call.stats().packetsReceived()).int8(call.stats().packetsLost())
          .timestamptz(CallColumns.micros(call.start()))
          .timestamptz(call.end() == null ? null : CallColumns.micros(call.end()))
          .int8(epoch).timestamptz(markedMicros)
          .jsonb(CallColumns.jsonArray(call.quirks())).jsonb(CallColumns.jsonArray(call.dtmf()));
    }
    copies.copyInto(connection, "copies (" + COPY_COLUMNS + ")");
  }

  private static CopyChanges changes(Connection connection, String sql, List<CallRecord> calls, long[] ids,
      long epoch, Instant markedAt) throws SQLException {
    int inserted = 0;
    Set<Long> changed = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bindCopies(connection, statement, 1, calls, ids);
      statement.setLong(15, epoch);
      statement.setTimestamp(16, Timestamp.from(markedAt));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          changed.add(rows.getLong(1));
          inserted += rows.getBoolean(2) ? 1 : 0;
        }
      }
    }
    return new CopyChanges(inserted, changed);
  }

  /** Sets each interaction's best copy by the rule, among all its copies. */
  static void updateBestCopies(Connection connection, Collection<Long> ids) throws SQLException {
    Long[] sorted = ids.stream().sorted().toArray(Long[]::new);
    try (PreparedStatement statement = connection.prepareStatement(UPDATE_BEST_COPIES)) {
      statement.setArray(1, connection.createArrayOf("bigint", sorted));
      statement.setArray(2, connection.createArrayOf("bigint", sorted));
      statement.executeUpdate();
    }
  }

  /**
   * Widens each interaction to cover its span (the calls just added to it or changed) and sets its best copy
   * by the rule among all its copies.
   */
  static void settle(Connection connection, Map<Long, Span> spans) throws SQLException {
    settle(connection, SETTLE, spans, false);
  }

  /**
   * {@link #settle} for interactions whose copies in {@code spans} were only added, none changed: the best copy is
   * chosen between the interaction's best before and the best added; {@link #SETTLE_ADDED}.
   */
  static void settleAdded(Connection connection, Map<Long, Span> spans) throws SQLException {
    settle(connection, SETTLE_ADDED, spans, true);
  }

  private static void settle(Connection connection, String sql, Map<Long, Span> spans, boolean withBest)
      throws SQLException {
    int size = spans.size();
    long[] ids = new long[size];
    long[] starts = new long[size];
    Long[] ends = new Long[size];
    String[] participants = new String[size];
    int i = 0;
    for (Map.Entry<Long, Span> entry : spans.entrySet()) {
      ids[i] = entry.getKey();
      starts[i] = entry.getValue().startMicros();
      ends[i] = entry.getValue().endMicros();
      participants[i] = new String(participantsJson(entry.getValue().participants()), StandardCharsets.UTF_8);
      i++;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      PGConnection pg = connection.unwrap(PGConnection.class);
      statement.setArray(1, pg.createArrayOf("bigint", ids));
      statement.setArray(2, pg.createArrayOf("bigint", starts));
      statement.setArray(3, connection.createArrayOf("bigint", ends));
      statement.setArray(4, connection.createArrayOf("text", participants));
      if (withBest) {
        long[] inums = new long[size];
        boolean[] complete = new boolean[size];
        long[] durations = new long[size];
        int j = 0;
        for (Span span : spans.values()) {
          CallRecord best = span.best();
          inums[j] = best.inum().value();
          complete[j] = best.complete();
          durations[j] = best.stats().durationMillis();
          j++;
        }
        statement.setArray(5, pg.createArrayOf("bigint", inums));
        statement.setArray(6, pg.createArrayOf("bool", complete));
        statement.setArray(7, pg.createArrayOf("bigint", durations));
      }
      statement.setArray(withBest ? 8 : 5, pg.createArrayOf("bigint", ids));
      statement.executeUpdate();
    }
  }

  /**
   * Runs {@link #ALREADY_MARKED}. Read at the fence's share lock like the upserts; a conversation changed
   * or removed after this read is a change after the batch, which was then already marked.
   */
  static long alreadyMarked(Connection connection, Collection<CallRecord> calls) throws SQLException {
    CallColumns columns = new CallColumns(calls);
    PGConnection pg = connection.unwrap(PGConnection.class);
    try (PreparedStatement statement = connection.prepareStatement(ALREADY_MARKED)) {
      statement.setArray(1, pg.createArrayOf("bigint", columns.inums));
      statement.setArray(2, pg.createArrayOf("bool", columns.complete));
      statement.setArray(3, pg.createArrayOf("bigint", columns.durations));
      statement.setArray(4, pg.createArrayOf("bigint", columns.bytes));
      statement.setArray(5, pg.createArrayOf("bigint", columns.received));
      statement.setArray(6, pg.createArrayOf("bigint", columns.lost));
      statement.setArray(7, pg.createArrayOf("bigint", columns.starts));
      statement.setArray(8, connection.createArrayOf("bigint", columns.ends));
      statement.setArray(9, pg.createArrayOf("bool", columns.named));
      statement.setArray(10, connection.createArrayOf("text", columns.quirks));
      statement.setArray(11, connection.createArrayOf("text", columns.dtmf));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Binds the fourteen arrays of the copies' columns from parameter {@code first} on. */
  private static void bindCopies(Connection connection, PreparedStatement statement, int first,
      List<CallRecord> calls, long[] ids) throws SQLException {
    CallColumns columns = new CallColumns(calls);
    Object[] arrays = {columns.inums, ids, columns.keys, columns.serials, columns.roles, columns.complete,
        columns.durations, columns.bytes, columns.received, columns.lost, columns.starts, columns.ends,
        columns.quirks, columns.dtmf};
    String[] types = {"bigint", "bigint", "text", "int4", "text", "bool", "bigint", "bigint", "bigint", "bigint",
        "bigint", "bigint", "text", "text"};
    PGConnection pg = connection.unwrap(PGConnection.class);
    for (int i = 0; i < arrays.length; i++) {
      statement.setArray(first + i, pg.createArrayOf(types[i], arrays[i]));
    }
  }

  /** The participants as JSON, by a writer bound to their type (a list of unknown type costs a look-up per element). */
  static byte[] participantsJson(List<Participant> participants) {
    try {
      return PARTICIPANTS.writeValueAsBytes(participants);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the participants as JSON: " + participants, e);
    }
  }
}
