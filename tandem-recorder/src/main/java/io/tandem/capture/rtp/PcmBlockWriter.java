package io.tandem.capture.rtp;

import io.tandem.media.MediaChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * Writes runs of a call's interleaved frames as 16-bit little-endian PCM at their place in the WAV
 * file, through one reused direct buffer: one copy out of the ring and one write per block. Consumed
 * frames are left silent in the ring. Confined to its capture thread; it serves every call of that
 * thread.
 */
final class PcmBlockWriter {
  private static final int BLOCK_SAMPLES = 16384;

  private final ByteBuffer bytes = ByteBuffer.allocateDirect(BLOCK_SAMPLES * 2).order(ByteOrder.LITTLE_ENDIAN);
  private final ShortBuffer samples = bytes.asShortBuffer();

  /**
   * Writes frames {@code [from, to)} of the call's timeline from {@code ring} to {@code file}; the WAV data
   * starts at {@code dataOffset}. With {@code file} null the frames are only consumed.
   */
  void write(FrameRing ring, long from, long to, MediaChannel file, long dataOffset) throws IOException {
    int channels = ring.channels();
    int blockFrames = Math.min(BLOCK_SAMPLES / channels, ring.frames());
    long frame = from;
    while (frame < to) {
      int frames = (int) Math.min(blockFrames, to - frame);
      samples.clear();
      ring.take(frame, frames, samples);
      if (file != null) {
        writeBlock(file, dataOffset + frame * 2 * channels, frames * channels);
      }
      frame += frames;
    }
  }

  private void writeBlock(MediaChannel file, long position, int count) throws IOException {
    bytes.clear().limit(count * 2);
    file.write(bytes, position);
  }
}
