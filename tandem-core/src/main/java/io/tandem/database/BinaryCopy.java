package io.tandem.database;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's binary COPY format, built in memory and sent in one COPY: no value is formatted as
 * text by the sender or parsed by the server. Only the types the call database writes in bulk are here.
 * Not thread-safe; one per COPY.
 */
final class BinaryCopy {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
  /** Microseconds from 1970-01-01 to 2000-01-01 UTC, PostgreSQL's epoch for binary times. */
  private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;
  private static final byte JSONB_VERSION = 1;

  private byte[] bytes;
  private int size;
  private int rows;

  BinaryCopy(int expectedBytes) {
    bytes = new byte[Math.max(64, expectedBytes)];
    put(SIGNATURE);
    putInt(0); // flags: no OIDs
    putInt(0); // no header extension
  }

  /** Starts a row of {@code fields} values, which must follow in column order. */
  BinaryCopy row(int fields) {
    putShort(fields);
    rows++;
    return this;
  }

  BinaryCopy int8(long value) {
    putInt(8);
    putLong(value);
    return this;
  }

  BinaryCopy int4(int value) {
    putInt(4);
    putInt(value);
    return this;
  }

  BinaryCopy bool(boolean value) {
    putInt(1);
    ensure(1);
    bytes[size++] = (byte) (value ? 1 : 0);
    return this;
  }

  BinaryCopy text(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    putInt(utf8.length);
    put(utf8);
    return this;
  }

  /** A text value, or NULL. */
  BinaryCopy textOrNull(String value) {
    return value == null ? nul() : text(value);
  }

  /** A jsonb value given as the UTF-8 bytes of its JSON text. */
  BinaryCopy jsonb(byte[] utf8) {
    putInt(utf8.length + 1);
    ensure(1);
    bytes[size++] = JSONB_VERSION;
    put(utf8);
    return this;
  }

  /** A timestamptz given in microseconds since 1970-01-01 UTC. */
  BinaryCopy timestamptz(long epochMicros) {
    return int8(epochMicros - POSTGRES_EPOCH_MICROS);
  }

  /** A timestamptz, or NULL. */
  BinaryCopy timestamptz(Long epochMicros) {
    return epochMicros == null ? nul() : timestamptz(epochMicros.longValue());
  }

  BinaryCopy nul() {
    putInt(-1);
    return this;
  }

  int rows() {
    return rows;
  }

  /**
   * Sends the rows with {@code COPY table (columns) FROM STDIN (FORMAT binary)} on the connection, inside its
   * transaction; returns the rows the server took.
   */
  long copyInto(Connection connection, String tableAndColumns) throws SQLException {
    CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
        .copyIn("COPY " + tableAndColumns + " FROM STDIN (FORMAT binary)");
    try {
      copy.writeToCopy(bytes, 0, size);
      copy.writeToCopy(new byte[] {(byte) 0xff, (byte) 0xff}, 0, 2);
      return copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  private void putShort(int value) {
    ensure(2);
    bytes[size++] = (byte) (value >>> 8);
    bytes[size++] = (byte) value;
  }

  private void putInt(int value) {
    ensure(4);
    bytes[size++] = (byte) (value >>> 24);
    bytes[size++] = (byte) (value >>> 16);
    bytes[size++] = (byte) (value >>> 8);
    bytes[size++] = (byte) value;
  }

  private void putLong(long value) {
    putInt((int) (value >>> 32));
    putInt((int) value);
  }

  private void put(byte[] value) {
    ensure(value.length);
    System.arraycopy(value, 0, bytes, size, value.length);
    size += value.length;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
