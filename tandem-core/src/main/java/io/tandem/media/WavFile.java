package io.tandem.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The canonical 44-byte RIFF/WAVE header for 16-bit linear PCM, one channel per stream, at 8000 Hz as
 * capture writes it or at the rate decoding chose, and the operations on files that carry it: write,
 * repair after a writer died, read, measure.
 * Stateless and thread-safe; two threads must not repair or write the same file at once.
 */
public final class WavFile {
  public static final int HEADER_BYTES = 44;
  public static final int SAMPLE_RATE = 8000;
  public static final int BYTES_PER_SAMPLE = 2;
  /** The RIFF size field is 32 bits and counts 36 header bytes besides the data. */
  public static final long MAX_DATA_BYTES = 0xFFFF_FFFFL - 36;

  private static final int PCM_FORMAT = 1;

  private WavFile() {}

  /** Writes an 8000 Hz header at position 0 of a plain file. */
  public static void writeHeader(FileChannel ch, int channels, long dataBytes) throws IOException {
    writeHeader(new PlainMediaChannel(ch), channels, SAMPLE_RATE, dataBytes);
  }

  /** Writes the header at position 0 of a plain file. */
  public static void writeHeader(FileChannel ch, int channels, int sampleRate, long dataBytes) throws IOException {
    writeHeader(new PlainMediaChannel(ch), channels, sampleRate, dataBytes);
  }

  /** Writes an 8000 Hz header at position 0 of {@code ch}. */
  public static void writeHeader(MediaChannel ch, int channels, long dataBytes) throws IOException {
    writeHeader(ch, channels, SAMPLE_RATE, dataBytes);
  }

  /** Writes the header at position 0 of {@code ch}. */
  public static void writeHeader(MediaChannel ch, int channels, int sampleRate, long dataBytes) throws IOException {
    ch.write(header(channels, sampleRate, dataBytes), 0);
  }

  /** The 8000 Hz header bytes for {@code channels} channels and {@code dataBytes} bytes of samples. */
  public static ByteBuffer header(int channels, long dataBytes) {
    return header(channels, SAMPLE_RATE, dataBytes);
  }

  /** The header bytes for {@code channels} channels at {@code sampleRate} and {@code dataBytes} bytes of samples. */
  public static ByteBuffer header(int channels, int sampleRate, long dataBytes) {
    if (sampleRate < 1000 || sampleRate > 192_000) {
      throw new IllegalArgumentException("sampleRate must be 1000 to 192000 Hz, got " + sampleRate);
    }
    if (channels < 1 || channels > 64) {
      throw new IllegalArgumentException("channels must be 1 to 64, got " + channels);
    }
    if (dataBytes < 0 || dataBytes > MAX_DATA_BYTES) {
      throw new IllegalArgumentException("dataBytes must be 0 to " + MAX_DATA_BYTES + ", got " + dataBytes);
    }
    int blockAlign = channels * BYTES_PER_SAMPLE;
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt((int) (36 + dataBytes)).put(ascii("WAVE"));
    b.put(ascii("fmt ")).putInt(16).putShort((short) PCM_FORMAT).putShort((short) channels);
    b.putInt(sampleRate).putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) 16);
    b.put(ascii("data")).putInt((int) dataBytes);
    return b.flip();
  }

  /**
   * Repairs a file whose writer stopped without finalising it: the sizes are recomputed from the
   * file length and a trailing partial sample frame is cut off. A file shorter than a header becomes
   * an empty valid WAV of {@code channels} channels; otherwise the channel count of its header wins.
   * Idempotent.
   *
   * @return the data bytes of the repaired file
   * @throws WavFormatException when a file at least a header long does not start with our header
   */
  public static long repair(Path wav, int channels) throws IOException {
    try (MediaChannel ch = plain(wav, true)) {
      return repair(ch, wav, channels);
    }
  }

  /** {@link #repair(Path, int)} of an open file, plain or sealed; {@code wav} names it in errors. */
  public static long repair(MediaChannel ch, Path wav, int channels) throws IOException {
    if (channels < 1 || channels > 64) {
      throw new IllegalArgumentException("channels must be 1 to 64, got " + channels);
    }
    return repairWith(ch, wav, channels);
  }

  /**
   * {@link #repair(Path, int)} for a file that holds at least a header, whose channel count is used.
   *
   * @throws WavFormatException when the file is shorter than a header
   */
  public static long repair(Path wav) throws IOException {
    try (MediaChannel ch = plain(wav, true)) {
      return repairWith(ch, wav, 0);
    }
  }

  private static long repairWith(MediaChannel ch, Path wav, int channelsWhenEmpty) throws IOException {
    if (ch.size() < HEADER_BYTES) {
      if (channelsWhenEmpty == 0) {
        throw new WavFormatException(wav + ": expected at least a 44-byte header, found " + ch.size()
            + " bytes; give the channel count to rewrite it as an empty WAV");
      }
      int channels = channelsWhenEmpty;
      ch.truncate(0);
      writeHeader(ch, channels, 0);
      ch.force();
      return 0;
    }
    WavHeader header = WavHeader.read(ch, wav);
    if (header.dataOffset() != HEADER_BYTES) {
      throw new WavFormatException(wav + ": expected the data chunk at byte 44, found it at " + header.dataOffset());
    }
    int blockAlign = header.blockAlign();
    long dataBytes = Math.min(ch.size() - HEADER_BYTES, MAX_DATA_BYTES);
    dataBytes -= dataBytes % blockAlign;
    if (ch.size() != HEADER_BYTES + dataBytes) {
      ch.truncate(HEADER_BYTES + dataBytes);
    }
    writeHeader(ch, header.channels(), header.sampleRate(), dataBytes);
    ch.force();
    return dataBytes;
  }

  /** Reads every sample of a plain 16-bit PCM WAV, one array per channel. */
  public static WavAudio read(Path wav) throws IOException {
    try (MediaChannel ch = plain(wav, false)) {
      return read(ch, wav);
    }
  }

  /** Reads every sample of a 16-bit PCM WAV, plain or sealed, as {@code files} opens it. */
  public static WavAudio read(MediaFiles files, Path wav) throws IOException {
    try (MediaChannel ch = files.open(wav, false)) {
      return read(ch, wav);
    }
  }

  private static WavAudio read(MediaChannel ch, Path wav) throws IOException {
    WavHeader header = WavHeader.read(ch, wav);
    long available = Math.max(0, ch.size() - header.dataOffset());
    long dataBytes = Math.min(header.dataBytes(), available);
    int frames = Math.toIntExact(dataBytes / header.blockAlign());
    ByteBuffer data = ByteBuffer.allocate(frames * header.blockAlign()).order(ByteOrder.LITTLE_ENDIAN);
    ch.readFully(data, header.dataOffset());
    data.flip();
    short[][] samples = new short[header.channels()][frames];
    for (int f = 0; f < frames; f++) {
      for (int c = 0; c < header.channels(); c++) {
        samples[c][f] = data.getShort();
      }
    }
    return new WavAudio(header.channels(), header.sampleRate(), samples);
  }

  /** The header of a plain 16-bit PCM WAV file, its data size capped by what the file really holds. */
  public static WavHeader header(Path wav) throws IOException {
    try (MediaChannel ch = plain(wav, false)) {
      return header(ch, wav);
    }
  }

  /** The header of an open WAV file, plain or sealed, its data size capped by what the file really holds. */
  public static WavHeader header(MediaChannel ch, Path wav) throws IOException {
    WavHeader header = WavHeader.read(ch, wav);
    long dataBytes = Math.min(header.dataBytes(), Math.max(0, ch.size() - header.dataOffset()));
    return new WavHeader(header.channels(), header.sampleRate(), header.dataOffset(), dataBytes);
  }

  /** The data bytes a plain file's header declares, capped by what the file really holds. */
  public static long dataBytes(Path wav) throws IOException {
    return header(wav).dataBytes();
  }

  /** How long a plain file plays, from its header and length. */
  public static long durationMillis(Path wav) throws IOException {
    WavHeader header = header(wav);
    return durationMillis(header.dataBytes(), header.channels(), header.sampleRate());
  }

  /** How long {@code dataBytes} of 16-bit PCM play for. */
  public static long durationMillis(long dataBytes, int channels, int sampleRate) {
    long frames = dataBytes / ((long) channels * BYTES_PER_SAMPLE);
    return frames * 1000 / sampleRate;
  }

  private static MediaChannel plain(Path wav, boolean write) throws IOException {
    return new PlainMediaChannel(write ? FileChannel.open(wav, StandardOpenOption.READ, StandardOpenOption.WRITE)
        : FileChannel.open(wav, StandardOpenOption.READ));
  }

  static byte[] ascii(String tag) {
    return tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
