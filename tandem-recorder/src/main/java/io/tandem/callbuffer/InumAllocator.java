package io.tandem.callbuffer;

import io.tandem.call.Inum;
import io.tandem.call.Serial;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Hands out INUMs that are never reused, even after kill -9: sequence numbers are reserved durably in
 * blocks, and a restart skips whatever was left of the last block (gaps are fine, reuse never). When
 * the serial's 9-digit sequence runs out, allocation moves to the contingency serial. Thread-safe.
 */
public final class InumAllocator {
  static final int BLOCK_SIZE = 100;

  private final LocalStore store;
  private final int serial;
  private final Integer contingencySerial;
  private int blockSerial;
  private long nextSequence;
  private long blockEnd = -1;

  public InumAllocator(LocalStore store, int serial, Integer contingencySerial) {
    this.store = store;
    this.serial = Serial.check(serial);
    if (contingencySerial != null && Serial.check(contingencySerial) == serial) {
      throw new IllegalArgumentException("contingency serial must differ from the serial " + serial);
    }
    this.contingencySerial = contingencySerial;
  }

  /** The next INUM; its reservation is committed before it is returned. */
  public Inum next() {
    return store.transaction(this::nextWithin);
  }

  /**
   * The next INUM inside the caller's open transaction; if that transaction rolls back, the block
   * reserved in it is forgotten so that the next call reserves again past the committed mark.
   */
  synchronized Inum nextWithin(Connection connection) throws SQLException {
    if (nextSequence > blockEnd) {
      reserveBlock(connection);
      store.onRollback(this::forgetBlock);
    }
    return Inum.of(blockSerial, nextSequence++);
  }

  private synchronized void forgetBlock() {
    blockEnd = -1;
    nextSequence = 0;
  }

  private void reserveBlock(Connection connection) throws SQLException {
    long reserved = reservedThrough(connection, serial);
    int chosen = serial;
    if (reserved >= Inum.MAX_SEQUENCE) {
      if (contingencySerial == null) {
        throw new IllegalStateException("INUM sequence of serial " + serial
            + " is exhausted and no contingency serial is configured");
      }
      chosen = contingencySerial;
      reserved = reservedThrough(connection, chosen);
      if (reserved >= Inum.MAX_SEQUENCE) {
        throw new IllegalStateException("INUM sequences of serial " + serial + " and of contingency serial "
            + contingencySerial + " are both exhausted");
      }
    }
    long end = Math.min(reserved + BLOCK_SIZE, Inum.MAX_SEQUENCE);
    try (PreparedStatement upsert = connection.prepareStatement(
        "INSERT INTO inum_block (serial, reserved_through) VALUES (?, ?) "
            + "ON CONFLICT (serial) DO UPDATE SET reserved_through = excluded.reserved_through")) {
      upsert.setInt(1, chosen);
      upsert.setLong(2, end);
      upsert.executeUpdate();
    }
    blockSerial = chosen;
    nextSequence = reserved + 1;
    blockEnd = end;
  }

  private static long reservedThrough(Connection connection, int serial) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT reserved_through FROM inum_block WHERE serial = ?")) {
      query.setInt(1, serial);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }
}
