package io.tandem.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A media file stored as it plays: every call goes straight to its {@link FileChannel}. Not thread-safe. */
public final class PlainMediaChannel implements MediaChannel {
  private final FileChannel file;

  public PlainMediaChannel(FileChannel file) {
    this.file = file;
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return file.read(dst, position);
  }

  @Override
  public void write(ByteBuffer src, long position) throws IOException {
    long origin = position - src.position();
    while (src.hasRemaining()) {
      file.write(src, origin + src.position());
    }
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  @Override
  public void truncate(long size) throws IOException {
    file.truncate(size);
  }

  @Override
  public void force() throws IOException {
    file.force(true);
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
