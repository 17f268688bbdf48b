package io.tandem.media;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Positional access to the plain bytes of one media file, whether it is stored plain or sealed (see
 * {@link MediaFiles}): reads and writes at any position, its length, truncation and durability. Not
 * thread-safe: one thread at a time.
 */
public interface MediaChannel extends Closeable {
  /**
   * Reads up to {@code dst.remaining()} bytes at {@code position}.
   *
   * @return the bytes read, or -1 at or past the end
   */
  int read(ByteBuffer dst, long position) throws IOException;

  /** Writes every remaining byte of {@code src} at {@code position}; a gap past the end reads as zeros. */
  void write(ByteBuffer src, long position) throws IOException;

  /** The plain length in bytes. */
  long size() throws IOException;

  /** Cuts the plain bytes to {@code size}; a larger size changes nothing. */
  void truncate(long size) throws IOException;

  /** Makes every write so far durable. */
  void force() throws IOException;

  /** Reads from {@code position} until {@code dst} is full or the end comes. */
  default void readFully(ByteBuffer dst, long position) throws IOException {
    while (dst.hasRemaining()) {
      if (read(dst, position + dst.position()) < 0) {
        return;
      }
    }
  }
}
