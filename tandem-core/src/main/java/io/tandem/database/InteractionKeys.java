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
import org.postgresql.PGConnection;

/**
 * The statements of marking on {@code interaction_keys}, which holds each correlation key once with the live
 * interaction it names: the arbiter of which transaction creates a conversation's interaction, and the home of the
 * tombstones (keys that name an interaction first marked under another key). A key is never removed. The
 * statements run in the caller's transaction, each one statement whatever the number of keys. Stateless.
 */
final class InteractionKeys {
  private static final String MICROS = "timestamptz 'epoch' + %s * interval '1 microsecond'";

  /**
   * Takes each key that no interaction holds yet, with the id of the interaction to be written for it; a key held
   * already is left as it is and not returned. The key table is the arbiter: a key that another transaction is
   * taking waits for it, and is then either held (that transaction committed) or taken here.
   */
  private static final String TAKE_KEYS = """
      INSERT INTO interaction_keys (correlation_key, interaction_id, start_time)
      SELECT t.k, %s, %s FROM unnest(?::text[], ?::bigint[]) AS t(k, s) CROSS JOIN %s
      ON CONFLICT (correlation_key) DO NOTHING
      RETURNING correlation_key, interaction_id""".formatted(
      MarkingStatements.newId(MICROS.formatted("t.s")), MICROS.formatted("t.s"), MarkingStatements.MONTHS);

  /**
   * The interaction each key names, and whether the key is another than the one that interaction was first marked
   * under (a tombstone: its copies were joined to that interaction by a merge or a link).
   */
  private static final String INTERACTION_IDS = """
      SELECT k.interaction_id, k.correlation_key, i.correlation_key <> k.correlation_key
      FROM interaction_keys k
      JOIN LATERAL (SELECT i.correlation_key FROM interactions i WHERE i.id = k.interaction_id LIMIT 1) i ON true
      WHERE k.correlation_key = ANY(?::text[])""";

  private static final String INSERT_TOMBSTONES = """
      INSERT INTO interaction_keys (correlation_key, interaction_id, start_time)
      SELECT t.k, t.id, %s FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS t(k, s, id)
      ON CONFLICT (correlation_key) DO NOTHING""".formatted(MICROS.formatted("t.s"));

  private InteractionKeys() {}

  /** The keys taken, each with its new interaction's id; the keys held already are not in it. */
  static Map<String, Long> take(Connection connection, String[] keys, long[] starts) throws SQLException {
    Map<String, Long> taken = new HashMap<>(keys.length * 2);
    try (PreparedStatement statement = connection.prepareStatement(TAKE_KEYS)) {
      statement.setArray(1, connection.createArrayOf("text", keys));
      statement.setArray(2, connection.unwrap(PGConnection.class).createArrayOf("bigint", starts));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          taken.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return taken;
  }

  /**
   * Looks up into {@code idByKey} the ids of the keys that are not in it, held before this batch (a key is never
   * removed, so each is there); those that are tombstones also into {@code behindTombstones}. Returns the others:
   * keys their interactions were first marked under.
   */
  static Set<String> held(Connection connection, String[] keys, Map<String, Long> idByKey,
      Set<Long> behindTombstones) throws SQLException {
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      if (!idByKey.containsKey(key)) {
        missing.add(key);
      }
    }
    Set<String> own = new HashSet<>();
    int found = 0;
    try (PreparedStatement statement = connection.prepareStatement(INTERACTION_IDS)) {
      statement.setArray(1, connection.createArrayOf("text", missing.toArray(String[]::new)));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          idByKey.put(rows.getString(2), rows.getLong(1));
          if (rows.getBoolean(3)) {
            behindTombstones.add(rows.getLong(1));
          } else {
            own.add(rows.getString(2));
          }
          found++;
        }
      }
    }
    if (found != missing.size()) {
      throw new IllegalStateException("the call database has no interaction for keys it holds: found "
          + found + " of " + missing.size());
    }
    return own;
  }

  /**
   * Leaves a tombstone for each call's key pointing at the interaction in {@code ids}, so that the key names
   * that interaction from now on; a key that names an interaction already keeps it.
   */
  static void insertTombstones(Connection connection, List<CallRecord> calls, long[] ids) throws SQLException {
    CallColumns columns = new CallColumns(calls);
    try (PreparedStatement statement = connection.prepareStatement(INSERT_TOMBSTONES)) {
      PGConnection pg = connection.unwrap(PGConnection.class);
      statement.setArray(1, connection.createArrayOf("text", columns.keys));
      statement.setArray(2, pg.createArrayOf("bigint", columns.starts));
      statement.setArray(3, pg.createArrayOf("bigint", ids));
      statement.executeUpdate();
    }
  }
}
