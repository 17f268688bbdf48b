package io.tandem.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/** The parsed format and data chunk position of a 16-bit PCM WAV file. Immutable. */
public record WavHeader(int channels, int sampleRate, long dataOffset, long dataBytes) {
  private static final int MAX_CHUNKS = 64;

  public int blockAlign() {
    return channels * WavFile.BYTES_PER_SAMPLE;
  }

  /** Walks the RIFF chunks up to the data chunk; unknown chunks are skipped. */
  static WavHeader read(MediaChannel ch, Path wav) throws IOException {
    ByteBuffer riff = readAt(ch, 0, 12);
    if (riff.remaining() < 12 || !tag(riff, 0, "RIFF") || !tag(riff, 8, "WAVE")) {
      throw new WavFormatException(wav + ": expected a RIFF/WAVE file, the first 12 bytes say otherwise");
    }
    long at = 12;
    int channels = 0;
    int sampleRate = 0;
    for (int i = 0; i < MAX_CHUNKS; i++) {
      ByteBuffer chunk = readAt(ch, at, 8);
      if (chunk.remaining() < 8) {
        break;
      }
      long size = Integer.toUnsignedLong(chunk.getInt(4));
      if (tag(chunk, 0, "fmt ")) {
        ByteBuffer fmt = readAt(ch, at + 8, 16);
        if (fmt.remaining() < 16) {
          throw new WavFormatException(wav + ": expected a 16-byte fmt chunk, the file ends inside it");
        }
        int format = Short.toUnsignedInt(fmt.getShort(0));
        channels = Short.toUnsignedInt(fmt.getShort(2));
        sampleRate = fmt.getInt(4);
        int bits = Short.toUnsignedInt(fmt.getShort(14));
        if (format != 1 || bits != 16 || channels < 1 || sampleRate < 1) {
          throw new WavFormatException(wav + ": expected 16-bit linear PCM, found format " + format + ", "
              + bits + " bits, " + channels + " channels, " + sampleRate + " Hz");
        }
      } else if (tag(chunk, 0, "data")) {
        if (channels == 0) {
          throw new WavFormatException(wav + ": expected a fmt chunk before the data chunk");
        }
        return new WavHeader(channels, sampleRate, at + 8, size);
      }
      at += 8 + size + (size & 1);
    }
    throw new WavFormatException(wav + ": expected a data chunk, found none");
  }

  private static ByteBuffer readAt(MediaChannel ch, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    ch.readFully(b, position);
    return b.flip();
  }

  private static boolean tag(ByteBuffer b, int index, String expected) {
    byte[] found = new byte[4];
    b.get(index, found);
    return Arrays.equals(found, WavFile.ascii(expected));
  }
}
