package io.tandem.capture.rtp;

import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * A call's timeline frames not yet written, interleaved as the WAV holds them (one 16-bit sample per
 * channel per frame), in a ring indexed by timeline frame. Each stream decodes its G.711 payload
 * straight into its channel's column; the writer takes whole runs of frames with one copy and leaves
 * them silent for the next turn of the ring. A frame no packet reached stays silent. Confined to its
 * capture thread.
 */
final class FrameRing {
  private final short[] samples;
  private final int channels;
  private final int frames;
  private final int mask;

  /** @param frames a power of two: how many frames the ring holds */
  FrameRing(int frames, int channels) {
    if (Integer.bitCount(frames) != 1) {
      throw new IllegalArgumentException("frames must be a power of two, got " + frames);
    }
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be at least 1, got " + channels);
    }
    this.samples = new short[frames * channels];
    this.channels = channels;
    this.frames = frames;
    this.mask = frames - 1;
  }

  int frames() {
    return frames;
  }

  int channels() {
    return channels;
  }

  /**
   * Decodes {@code codes[offset + skip, offset + length)} through {@code table} into {@code channel} at
   * frames {@code position + skip} onwards.
   */
  void decode(int channel, long position, short[] table, byte[] codes, int offset, int skip, int length) {
    int stride = channels;
    int index = (int) ((position + skip) & mask);
    int out = index * stride + channel;
    int end = samples.length;
    for (int i = skip; i < length; i++) {
      samples[out] = table[codes[offset + i] & 0xFF];
      out += stride;
      if (out >= end) {
        out = channel;
      }
    }
  }

  /** The sample of {@code channel} at timeline frame {@code position}. */
  short sample(long position, int channel) {
    return samples[(int) (position & mask) * channels + channel];
  }

  /**
   * Appends frames {@code [from, from + count)} to {@code out} and leaves them silent; {@code count} is at
   * most the ring's length and {@code out} has room for {@code count * channels} samples.
   */
  void take(long from, int count, ShortBuffer out) {
    int start = (int) (from & mask);
    int first = Math.min(count, frames - start);
    move(start * channels, first * channels, out);
    if (first < count) {
      move(0, (count - first) * channels, out);
    }
  }

  private void move(int offset, int length, ShortBuffer out) {
    out.put(samples, offset, length);
    Arrays.fill(samples, offset, offset + length, (short) 0);
  }
}
