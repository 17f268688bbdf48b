package io.tandem.media;

import io.tandem.config.PrivateFiles;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.media.sealed.SealedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * How a process makes and opens media files (WAVs, payload logs): new files sealed at rest under its media keys
 * when sealing is on ({@link SealedChannel}: AES-256-GCM, a key per file wrapped by the current master key),
 * plain otherwise; an existing file opened as what its first bytes say, so a buffer may hold both. Every file
 * it creates is 0600 in folders made 0700. Immutable and thread-safe; the channels it opens are not.
 */
public final class MediaFiles {
  private static final int MAGIC_BYTES = 8;

  private final MediaKeys keys;
  private final boolean sealNew;

  private MediaFiles(MediaKeys keys, boolean sealNew) {
    this.keys = Objects.requireNonNull(keys, "keys");
    if (sealNew && keys.isEmpty()) {
      throw new IllegalArgumentException("sealing new media files needs a media key");
    }
    this.sealNew = sealNew;
  }

  /** Plain new files; sealed files cannot be read. */
  public static MediaFiles plain() {
    return new MediaFiles(MediaKeys.none(), false);
  }

  /** Sealed files read with {@code keys}; new files sealed under its current key when {@code sealNew}. */
  public static MediaFiles of(MediaKeys keys, boolean sealNew) {
    return new MediaFiles(keys, sealNew);
  }

  /** New files sealed under a key that lives in this process only: for temporaries nobody must read after it. */
  public static MediaFiles ephemeral() {
    return new MediaFiles(MediaKeys.generate(), true);
  }

  public boolean sealsNew() {
    return sealNew;
  }

  public MediaKeys keys() {
    return keys;
  }

  /** Creates {@code file}, which must not exist, for reading and writing. */
  public MediaChannel create(Path file) throws IOException {
    return made(file, PrivateFiles.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE));
  }

  /** Creates {@code file} empty, replacing one that exists, for reading and writing. */
  public MediaChannel replace(Path file) throws IOException {
    return made(file, PrivateFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  /**
   * Opens an existing file, sealed or plain as its first bytes say.
   *
   * @throws io.tandem.media.sealed.SealedMediaException when it is sealed under a key this process lacks
   */
  public MediaChannel open(Path file, boolean write) throws IOException {
    FileChannel channel = write ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
        : FileChannel.open(file, StandardOpenOption.READ);
    return open(channel, file);
  }

  /**
   * Opens the media file {@code channel} reads, sealed or plain as its first bytes say; {@code name} names it in
   * errors. The media channel owns {@code channel}, and closes it also when opening fails.
   */
  public MediaChannel open(FileChannel channel, Path name) throws IOException {
    Path file = name;
    try {
      return sealed(channel) ? SealedChannel.open(channel, file, keys) : new PlainMediaChannel(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Opens a file a crash may have cut in the middle of a write, for writing: a sealed file's last slot is checked,
   * and dropped when a crash of the machine tore it.
   */
  public MediaChannel recover(Path file) throws IOException {
    MediaChannel channel = open(file, true);
    try {
      if (channel instanceof SealedChannel sealed) {
        sealed.recoverTail();
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Whether {@code file} is sealed. */
  public static boolean isSealed(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return sealed(channel);
    }
  }

  /** The plain bytes of {@code file}, read from its start; a sealed one is opened chunk by chunk as it is read. */
  public InputStream newInputStream(Path file) throws IOException {
    return new ChannelInput(open(file, false));
  }

  /** A new file, replacing one that exists, written from its start; sealed when this seals new files. */
  public OutputStream newOutputStream(Path file) throws IOException {
    return new ChannelOutput(replace(file));
  }

  /**
   * Reads every byte of {@code file}, which authenticates every chunk of a sealed one.
   *
   * @return its plain length
   */
  public long verify(Path file) throws IOException {
    try (MediaChannel channel = open(file, false)) {
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      long at = 0;
      for (int read = channel.read(buffer, at); read > 0; read = channel.read(buffer.clear(), at)) {
        at += read;
      }
      return at;
    }
  }

  private MediaChannel made(Path file, FileChannel channel) throws IOException {
    try {
      return sealNew ? SealedChannel.create(channel, file, keys) : new PlainMediaChannel(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static boolean sealed(FileChannel channel) throws IOException {
    ByteBuffer first = ByteBuffer.allocate(MAGIC_BYTES);
    while (first.hasRemaining() && channel.read(first, first.position()) >= 0) {
      // read the magic, or as much of it as there is
    }
    return SealedChannel.startsSealed(first.flip());
  }

  /** An output stream that appends to a channel from its start. */
  private static final class ChannelOutput extends OutputStream {
    private final MediaChannel channel;
    private long position;

    ChannelOutput(MediaChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      channel.write(ByteBuffer.wrap(b, off, len), position);
      position += len;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** An input stream over a channel's plain bytes, from its start. */
  private static final class ChannelInput extends InputStream {
    private final MediaChannel channel;
    private long position;

    ChannelInput(MediaChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int read = channel.read(ByteBuffer.wrap(b, off, len), position);
      if (read > 0) {
        position += read;
      }
      return read;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
