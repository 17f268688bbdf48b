package io.tandem.replay;

import io.tandem.media.MediaChannel;
import io.tandem.media.PlainMediaChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies a byte range of a media file, plain or sealed, to a stream, exactly: no byte before {@code first},
 * none after {@code last}; a sealed file is opened chunk by chunk as the range goes.
 */
public final class FileSlice {
  private static final int BUFFER_BYTES = 64 * 1024;

  private FileSlice() {}

  /** Writes bytes {@code first..last} (inclusive) of the plain file {@code file} to {@code out}. */
  public static void copy(Path file, long first, long last, OutputStream out) throws IOException {
    try (MediaChannel channel = new PlainMediaChannel(FileChannel.open(file, StandardOpenOption.READ))) {
      copy(channel, file.toString(), first, last, out);
    }
  }

  /**
   * Writes bytes {@code first..last} (inclusive) of {@code channel}, named {@code name} in errors, to {@code out}.
   *
   * @throws IOException also when the file is shorter than {@code last + 1} bytes
   */
  public static void copy(MediaChannel channel, String name, long first, long last, OutputStream out)
      throws IOException {
    if (first < 0 || last < first - 1) {
      throw new IllegalArgumentException("a slice needs 0 <= first and first - 1 <= last, got " + first + "-" + last);
    }
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    long position = first;
    while (position <= last) {
      buffer.clear().limit((int) Math.min(BUFFER_BYTES, last - position + 1));
      int read = channel.read(buffer, position);
      if (read <= 0) {
        throw new IOException(name + " ended at byte " + position + " before the slice's last byte " + last);
      }
      out.write(buffer.array(), 0, read);
      position += read;
    }
  }
}
