package io.tandem.database;

import io.tandem.call.CallRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.postgresql.PGConnection;

/**
 * Finds the interaction of each call's conversation, by these rules in this order: the interaction the call's
 * copy is linked to already; the one its correlation key names ({@code interaction_keys}); then, for a
 * call whose conversation may have been marked under another key, the live interaction with the call's SIP
 * identity (the nearest in start when there are several), and last a live interaction with the call's
 * participants key whose start or end is within the pair's tolerance of the call's (a recorder that came up
 * during a call starts its copy late, one that died ends it early), that has a copy of the pair's other
 * recorder and none of the call's recorder. A match by participants is a guess, and only an unambiguous one
 * is taken: the call must have one such interaction only, and the interaction must be the only one of one
 * call of the batch, and reached by no other call of the batch; otherwise the call matches nothing by
 * participants (a copy joined to the wrong conversation is worse than a conversation with two interactions).
 * One statement per batch, in which every rule is an index probe per call (a candidate's copies are read by one
 * probe that answers both questions about them): the look-ups by copy and by key are
 * lateral with a limit (each finds one row at most, by a unique index), which keeps the planner from joining the
 * batch to the whole of {@code copies} and {@code interaction_keys} by hash, a scan of both tables per batch that grew
 * with the call database. Stateless.
 */
final class CopyMatching {
  /** The rule that found a call's interaction. */
  enum Rule {
    COPY, KEY, SIP_IDENTITY, PARTICIPANTS;

    /** Whether the call's key names no row yet, so a tombstone should make it name the interaction. */
    boolean byAnotherKey() {
      return this == SIP_IDENTITY || this == PARTICIPANTS;
    }
  }

  /** A call's interaction and the rule that found it. */
  record Match(long interactionId, Rule rule) {}

  /** The longest a conversation is taken to last, so that one ending near a copy's end is found by its start. */
  private static final long LONGEST_MICROS = 24L * 3600 * 1_000_000;

  private static final String MICROS = "timestamptz 'epoch' + (%s) * interval '1 microsecond'";
  private static final String DISTANCE = "abs(extract(epoch FROM i.start_time) * 1000000 - t.s)";

  private static final String FIND = """
      SELECT t.n, own.interaction_id, named.id, by_sip.id, by_participants.id
      FROM unnest(?::bigint[], ?::int[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::boolean[])
           WITH ORDINALITY AS t(inum, serial, k, sip, pk, s, e, other, n)
      LEFT JOIN LATERAL (SELECT c.inum, c.interaction_id FROM copy_inums ci
                         JOIN copies c ON c.interaction_id = ci.interaction_id AND c.inum = ci.inum
                         WHERE ci.inum = t.inum LIMIT 1) own ON true
      LEFT JOIN LATERAL (
        SELECT k.interaction_id AS id FROM interaction_keys k
        WHERE own.inum IS NULL AND k.correlation_key = t.k LIMIT 1) named ON true
      LEFT JOIN LATERAL (
        SELECT i.id FROM interactions i
        WHERE own.inum IS NULL AND named.id IS NULL AND t.other
          AND i.sip_identity = t.sip AND i.merged_into IS NULL
        ORDER BY %1$s, i.id LIMIT 1) by_sip ON true
      LEFT JOIN LATERAL (
        SELECT i.id FROM interactions i
        WHERE own.inum IS NULL AND named.id IS NULL AND by_sip.id IS NULL AND t.other
          AND i.participants_key = t.pk AND i.merged_into IS NULL
          AND (i.start_time BETWEEN %2$s AND %3$s
            OR (i.start_time BETWEEN %4$s AND %5$s AND i.end_time BETWEEN %6$s AND %5$s))
          AND (SELECT bool_or(c.serial = ?) AND NOT bool_or(c.serial = t.serial)
               FROM copies c WHERE c.interaction_id = i.id)
        LIMIT 2) by_participants ON true""".formatted(DISTANCE, MICROS.formatted("t.s - ?"),
      MICROS.formatted("t.s + ?"), MICROS.formatted("t.e - " + LONGEST_MICROS), MICROS.formatted("t.e + ?"),
      MICROS.formatted("t.e - ?"));

  private CopyMatching() {}

  /**
   * The interaction of each call that has one, by INUM; {@code byOtherKeys} says which calls may match by
   * SIP identity and participants (the others by their copy and key only).
   */
  static Map<Long, Match> find(Connection connection, MarkingScope scope, List<CallRecord> calls,
      Predicate<CallRecord> byOtherKeys) throws SQLException {
    int size = calls.size();
    long[] inums = new long[size];
    int[] serials = new int[size];
    String[] keys = new String[size];
    String[] sipIdentities = new String[size];
    String[] participantsKeys = new String[size];
    long[] starts = new long[size];
    Long[] ends = new Long[size];
    boolean[] other = new boolean[size];
    for (int i = 0; i < size; i++) {
      CallRecord call = calls.get(i);
      inums[i] = call.inum().value();
      serials[i] = call.inum().serial();
      keys[i] = call.correlationKey();
      other[i] = byOtherKeys.test(call);
      sipIdentities[i] = other[i] && !call.sipIdentity().isEmpty() ? call.sipIdentity() : null;
      participantsKeys[i] = other[i] ? ParticipantsKey.of(call.participants()) : null;
      starts[i] = CallColumns.micros(call.start());
      ends[i] = call.end() == null ? null : CallColumns.micros(call.end());
    }
    Map<Long, Match> matches = new HashMap<>();
    Map<Long, List<Long>> candidatesOfCall = new HashMap<>();
    Set<Long> reachedOtherwise = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(FIND)) {
      PGConnection pg = connection.unwrap(PGConnection.class);
      statement.setArray(1, pg.createArrayOf("bigint", inums));
      statement.setArray(2, pg.createArrayOf("int4", serials));
      statement.setArray(3, connection.createArrayOf("text", keys));
      statement.setArray(4, connection.createArrayOf("text", sipIdentities));
      statement.setArray(5, connection.createArrayOf("text", participantsKeys));
      statement.setArray(6, pg.createArrayOf("bigint", starts));
      statement.setArray(7, connection.createArrayOf("bigint", ends));
      statement.setArray(8, pg.createArrayOf("bool", other));
      for (int parameter = 9; parameter <= 13; parameter++) {
        statement.setLong(parameter, scope.toleranceMicros());
      }
      statement.setInt(14, scope.partner());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          int index = rows.getInt(1) - 1;
          Match match = firstFound(rows);
          if (match != null) {
            matches.put(inums[index], match);
            reachedOtherwise.add(match.interactionId());
          } else {
            long id = rows.getLong(5);
            if (!rows.wasNull()) {
              candidatesOfCall.computeIfAbsent(inums[index], k -> new ArrayList<>()).add(id);
            }
          }
        }
      }
    }
    Map<Long, Integer> claims = new HashMap<>();
    candidatesOfCall.values().forEach(ids -> ids.forEach(id -> claims.merge(id, 1, Integer::sum)));
    candidatesOfCall.forEach((inum, ids) -> {
      long id = ids.getFirst();
      if (ids.size() == 1 && claims.get(id) == 1 && !reachedOtherwise.contains(id)) {
        matches.put(inum, new Match(id, Rule.PARTICIPANTS));
      }
    });
    return matches;
  }

  /** The match by copy, key or SIP identity of one row, or null. */
  private static Match firstFound(ResultSet rows) throws SQLException {
    Rule[] rules = {Rule.COPY, Rule.KEY, Rule.SIP_IDENTITY};
    for (int i = 0; i < rules.length; i++) {
      long id = rows.getLong(2 + i);
      if (!rows.wasNull()) {
        return new Match(id, rules[i]);
      }
    }
    return null;
  }
}
