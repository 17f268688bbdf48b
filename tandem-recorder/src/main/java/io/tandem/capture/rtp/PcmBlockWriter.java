package io.tandem.capture.rtp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;

/**
 * Interleaves the rings of a call's streams into 16-bit little-endian PCM frames and writes them at
 * their place in the WAV file, through one reused direct buffer. Consumed ring samples are reset to
 * silence. Confined to its capture thread; it serves every call of that thread.
 */
final class PcmBlockWriter {
  private static final int BLOCK_SAMPLES = 16384;

  private final short[] interleaved = new short[BLOCK_SAMPLES];
  private final ByteBuffer bytes = ByteBuffer.allocateDirect(BLOCK_SAMPLES * 2).order(ByteOrder.LITTLE_ENDIAN);
  private final ShortBuffer samples = bytes.asShortBuffer();

  /**
   * Writes frames {@code [from, to)} of the call's timeline to {@code file}; the WAV data starts at
   * {@code dataOffset}. With {@code file} null the rings are only consumed.
   */
  void write(StreamTimeline[] streams, int channels, long from, long to, FileChannel file, long dataOffset)
      throws IOException {
    int blockFrames = BLOCK_SAMPLES / channels;
    boolean silentChannels = streams.length < channels;
    long frame = from;
    while (frame < to) {
      int frames = (int) Math.min(blockFrames, to - frame);
      int count = frames * channels;
      if (silentChannels) {
        java.util.Arrays.fill(interleaved, 0, count, (short) 0);
      }
      for (StreamTimeline stream : streams) {
        takeFromRing(stream, frame, frames, channels);
      }
      if (file != null) {
        writeBlock(file, dataOffset + frame * 2 * channels, count);
      }
      frame += frames;
    }
  }

  private void takeFromRing(StreamTimeline stream, long frame, int frames, int channels) {
    short[] ring = stream.ring;
    int mask = stream.mask;
    int out = stream.channel;
    int index = (int) frame & mask;
    for (int f = 0; f < frames; f++) {
      interleaved[out] = ring[index];
      ring[index] = 0;
      out += channels;
      index = (index + 1) & mask;
    }
  }

  private void writeBlock(FileChannel file, long position, int count) throws IOException {
    samples.clear();
    samples.put(interleaved, 0, count);
    bytes.clear().limit(count * 2);
    while (bytes.hasRemaining()) {
      file.write(bytes, position + bytes.position());
    }
  }
}
