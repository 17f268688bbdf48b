package io.tandem.callbuffer;

import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The gap audit's place in the call buffer: the start and INUM of the last call it checked, kept in the
 * local store so that a restarted recorder neither audits everything again nor skips a call. Calls are
 * walked in (start, INUM) order on the start index. Calls the cursor is moved past without being audited are
 * held back ({@link #holdBack}) until they are audited ({@link #release}). Thread-safe; {@link #advance} and
 * {@link #release} are durable when they return.
 */
public final class AuditCursor {
  private static final String NEXT = "SELECT " + CallRows.COLUMNS + " FROM calls WHERE start_nanos < ? AND "
      + "(start_nanos > ? OR (start_nanos = ? AND inum > ?)) ORDER BY start_nanos, inum LIMIT ?";

  private static final String HELD = "SELECT " + CallRows.COLUMNS + " FROM calls WHERE inum IN (SELECT inum FROM "
      + "gap_audit_held) AND state <> 'RECORDING' AND end_nanos IS NOT NULL AND end_nanos <= ? "
      + "ORDER BY start_nanos, inum LIMIT ?";

  private final LocalStore store;

  public AuditCursor(LocalStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** The calls after the cursor that started before {@code startedBefore}, in audit order, at most {@code limit}. */
  public List<CallRecord> next(Instant startedBefore, int limit) {
    return store.read(c -> {
      long[] position = position(c);
      try (PreparedStatement query = c.prepareStatement(NEXT)) {
        query.setLong(1, CallRows.boundNanos(startedBefore));
        query.setLong(2, position[0]);
        query.setLong(3, position[0]);
        query.setLong(4, position[1]);
        query.setInt(5, limit);
        List<CallRecord> calls = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            calls.add(CallRows.read(rs));
          }
        }
        return calls;
      }
    });
  }

  /**
   * Moves the cursor past {@code last}, running {@code alongside} (local store work, such as Workflow
   * submissions) in the same transaction, so that both happen or neither.
   */
  public void advance(CallRecord last, Runnable alongside) {
    store.transaction(c -> {
      alongside.run();
      try (PreparedStatement upsert = c.prepareStatement("INSERT INTO gap_audit (id, start_nanos, inum) "
          + "VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET start_nanos = excluded.start_nanos, "
          + "inum = excluded.inum")) {
        upsert.setLong(1, CallRows.nanos(last.start()));
        upsert.setLong(2, last.inum().value());
        upsert.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Holds back calls that the cursor is being moved past without auditing them; joins the caller's transaction
   * (run it in the {@code alongside} of {@link #advance}, so that the move and the hold are one).
   */
  public void holdBack(List<Inum> calls) {
    if (calls.isEmpty()) {
      return;
    }
    store.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement("INSERT OR IGNORE INTO gap_audit_held (inum) VALUES (?)")) {
        for (Inum inum : calls) {
          insert.setLong(1, inum.value());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      return null;
    });
  }

  /** The calls held back that ended at or before {@code endedBy}, in audit order, at most {@code limit}. */
  public List<CallRecord> heldBack(Instant endedBy, int limit) {
    return store.read(c -> {
      try (PreparedStatement query = c.prepareStatement(HELD)) {
        query.setLong(1, CallRows.boundNanos(endedBy));
        query.setInt(2, limit);
        List<CallRecord> calls = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            calls.add(CallRows.read(rs));
          }
        }
        return calls;
      }
    });
  }

  /** Releases held-back calls once audited, running {@code alongside} in the same transaction. */
  public void release(List<CallRecord> audited, Runnable alongside) {
    store.transaction(c -> {
      alongside.run();
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM gap_audit_held WHERE inum = ?")) {
        for (CallRecord call : audited) {
          delete.setLong(1, call.inum().value());
          delete.addBatch();
        }
        delete.executeBatch();
      }
      return null;
    });
  }

  private static long[] position(Connection c) throws SQLException {
    try (PreparedStatement query = c.prepareStatement("SELECT start_nanos, inum FROM gap_audit WHERE id = 1");
        ResultSet rs = query.executeQuery()) {
      return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {Long.MIN_VALUE, Long.MIN_VALUE};
    }
  }
}
