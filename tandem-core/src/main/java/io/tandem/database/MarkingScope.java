package io.tandem.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a marking transaction learns when it checks its fence: the recorder's pair holds the fence's epoch,
 * whether the recorder is the pair's primary, the other recorder of the pair, and how far apart two copies'
 * starts may be to match by their participants. Immutable.
 *
 * @param partner the serial of the pair's other recorder, or 0 when it has none
 */
record MarkingScope(Fence fence, boolean primary, int partner, long toleranceMicros) {
  /**
   * Locks the recorder's pair for share (a failover, which raises the epoch, and a merge of interactions wait
   * for this transaction), takes the recorder's marking lock (shared for marking, exclusive for linking, so
   * that one recorder's marking and linking never interleave), and checks the epoch. The class number of
   * the marking lock keeps it apart from any other advisory lock.
   */
  private static final String CHECK = """
      SELECT p.epoch, r.role, o.serial, p.match_tolerance_ms, %s(1416, r.serial)
      FROM recorders r JOIN pairs p ON p.name = r.pair
      LEFT JOIN recorders o ON o.pair = r.pair AND o.serial <> r.serial
      WHERE r.serial = ? FOR SHARE OF p""";
  private static final String CHECK_MARKING = CHECK.formatted("pg_advisory_xact_lock_shared");
  private static final String CHECK_LINKING = CHECK.formatted("pg_advisory_xact_lock");
  private static final String CHECK_BESIDE = """
      SELECT p.epoch, r.role, o.serial, p.match_tolerance_ms
      FROM recorders r JOIN pairs p ON p.name = r.pair
      LEFT JOIN recorders o ON o.pair = r.pair AND o.serial <> r.serial
      WHERE r.serial = ?""";

  /** How long the second half of a linking batch waits for a row lock before the batch fails. */
  static final String BESIDE_LOCK_TIMEOUT = "10s";

  /** Checks the fence for marking in this transaction; the call database then holds its locks until it ends. */
  static MarkingScope forMarking(Connection connection, Fence fence) throws SQLException, FencedException {
    return check(connection, fence, CHECK_MARKING);
  }

  /** Checks the fence for linking, which no marking of the same recorder may run beside. */
  static MarkingScope forLinking(Connection connection, Fence fence) throws SQLException, FencedException {
    return check(connection, fence, CHECK_LINKING);
  }

  /**
   * The fence of a transaction that writes half of a linking batch beside the one that checked it with {@link
   * #forLinking}: that transaction holds the pair's share lock and the recorder's exclusive marking lock until
   * this one has ended, so this one reads the epoch without locking anything (a lock it asked for could queue
   * behind a failover that waits for the other half, which waits for this one: a wait the server cannot see).
   * Its row locks on interactions are bounded by {@link #BESIDE_LOCK_TIMEOUT} for the same reason: a wait that
   * long fails the batch, which the gap audit links again.
   */
  static MarkingScope besideLinking(Connection connection, Fence fence) throws SQLException, FencedException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET LOCAL lock_timeout = '" + BESIDE_LOCK_TIMEOUT + "'");
    }
    return check(connection, fence, CHECK_BESIDE);
  }

  private static MarkingScope check(Connection connection, Fence fence, String sql)
      throws SQLException, FencedException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
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
        return new MarkingScope(fence, "PRIMARY".equals(rows.getString(2)), rows.getInt(3),
            rows.getLong(4) * 1_000);
      }
    }
  }
}
