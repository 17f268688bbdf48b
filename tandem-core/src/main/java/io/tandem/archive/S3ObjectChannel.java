package io.tandem.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * One S3 object read as a read-only file: each read that falls outside the bytes at hand fetches a window of the
 * object with a ranged GET (128 KiB, doubling to 4 MiB while reads go on where the last window ended), so a Range
 * costs what it covers and the whole object is never fetched for a part of it. Writes are refused. Not thread-safe.
 */
final class S3ObjectChannel extends FileChannel {
  static final int FIRST_WINDOW = 128 * 1024;
  static final int MAX_WINDOW = 4 * 1024 * 1024;

  private final S3Client client;
  private final String bucket;
  private final String key;
  private final String version;
  private final String name;
  private final long size;
  private byte[] window = new byte[0];
  private long windowStart;
  private int windowLength;
  private int nextWindow = FIRST_WINDOW;
  private long position;

  private S3ObjectChannel(S3Client client, String bucket, String key, String version, long size, String name) {
    this.client = client;
    this.bucket = bucket;
    this.key = key;
    this.version = version;
    this.size = size;
    this.name = name;
  }

  /**
   * Opens the object with one GET of its first window, whose answer also gives the object's length, so that opening
   * and reading the first bytes cost one request; {@code version}, when not null, is the one version of it read
   * (later versions and delete markers over it change nothing); {@code name} names it in errors.
   *
   * @throws SdkException as the GET fails (a 404 when there is no such object)
   */
  static S3ObjectChannel open(S3Client client, String bucket, String key, String version, String name)
      throws IOException {
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).versionId(version)
        .range("bytes=0-" + (FIRST_WINDOW - 1)).build();
    try (ResponseInputStream<GetObjectResponse> in = client.getObject(request)) {
      GetObjectResponse answer = in.response();
      long size = totalLength(answer);
      S3ObjectChannel channel = new S3ObjectChannel(client, bucket, key, version, size, name);
      int length = (int) Math.min(size, FIRST_WINDOW);
      channel.window = new byte[length];
      int filled = channel.readFully(in, length);
      if (filled < length) {
        throw new IOException(name + " ended after " + filled + " of its " + size + " bytes");
      }
      channel.windowLength = length;
      if (answer.contentRange() == null) {
        // A server that ignored the range sends the whole object: only the first window is read.
        in.abort();
      }
      return channel;
    }
  }

  /** The object's length: after the '/' of a ranged answer's Content-Range, else the whole answer's length. */
  private static long totalLength(GetObjectResponse answer) throws IOException {
    String range = answer.contentRange();
    if (range == null) {
      return answer.contentLength();
    }
    int slash = range.lastIndexOf('/');
    try {
      return Long.parseLong(range.substring(slash + 1).strip());
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IOException("the S3 answer's Content-Range '" + range + "' names no length");
    }
  }

  @Override
  public int read(ByteBuffer dst, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("negative position " + at);
    }
    if (at >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (at < windowStart || at >= windowStart + windowLength) {
      fetch(at, dst.remaining());
    }
    int offset = (int) (at - windowStart);
    int count = Math.min(dst.remaining(), windowLength - offset);
    dst.put(window, offset, count);
    return count;
  }

  /**
   * Fetches a window that holds {@code at}: larger while reads run on, back to the first size after a seek. Near the
   * end of the object the window ends at the end and starts before {@code at}, so that it keeps its size: an answer of
   * a few bytes (a sealed file's last slot, read when it is opened) waits on the server's Nagle and the client's
   * delayed ACK, some 40 ms on Ceph's gateway, where a whole window's answer takes a few.
   */
  private void fetch(long at, int wanted) throws IOException {
    boolean runsOn = windowLength > 0 && at == windowStart + windowLength;
    nextWindow = runsOn ? Math.min(MAX_WINDOW, nextWindow * 2) : FIRST_WINDOW;
    int length = (int) Math.min(size, Math.min(MAX_WINDOW, Math.max(wanted, nextWindow)));
    long from = Math.max(0, Math.min(at, size - length));
    if (window.length < length) {
      window = new byte[length];
    }
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).versionId(version)
        .range("bytes=" + from + "-" + (from + length - 1)).build();
    int filled = 0;
    try (ResponseInputStream<GetObjectResponse> in = client.getObject(request)) {
      filled = readFully(in, length);
    } catch (SdkException e) {
      windowLength = 0;
      throw new IOException("cannot read bytes " + from + " to " + (from + length - 1) + " of " + name + ": "
          + e.getMessage(), e);
    }
    if (filled < length) {
      windowLength = 0;
      throw new IOException(name + " ended after " + (from + filled) + " of its " + size + " bytes");
    }
    windowStart = from;
    windowLength = length;
  }

  private int readFully(InputStream in, int length) throws IOException {
    int filled = 0;
    while (filled < length) {
      int read = in.read(window, filled, length - filled);
      if (read < 0) {
        break;
      }
      filled += read;
    }
    return filled;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int read = read(dst, position);
    if (read > 0) {
      position += read;
    }
    return read;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      int read = read(dsts[i]);
      if (read < 0) {
        return total == 0 ? -1 : total;
      }
      total += read;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public FileChannel position(long newPosition) {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
    long done = 0;
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    while (done < count) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      int read = read(buffer, at + done);
      if (read <= 0) {
        break;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        target.write(buffer);
      }
      done += read;
    }
    return done;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long at) {
    throw new NonWritableChannelException();
  }

  @Override
  public FileChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long at, long count) {
    throw new NonWritableChannelException();
  }

  @Override
  public void force(boolean metaData) {
    // Nothing is written.
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long at, long length) {
    throw new UnsupportedOperationException("an S3 object cannot be mapped into memory");
  }

  @Override
  public FileLock lock(long at, long length, boolean shared) {
    throw new UnsupportedOperationException("an S3 object cannot be locked");
  }

  @Override
  public FileLock tryLock(long at, long length, boolean shared) {
    throw new UnsupportedOperationException("an S3 object cannot be locked");
  }

  @Override
  protected void implCloseChannel() {
    window = new byte[0];
    windowLength = 0;
  }
}
