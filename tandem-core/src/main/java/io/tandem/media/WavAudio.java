package io.tandem.media;

import java.util.Objects;

/**
 * Decoded 16-bit PCM audio of a WAV file: one sample array per channel, all of the same length.
 * Immutable by convention; the arrays are handed over, not copied.
 */
public record WavAudio(int channels, int sampleRate, short[][] samples) {
  public WavAudio {
    Objects.requireNonNull(samples, "samples");
    if (channels < 1 || samples.length != channels) {
      throw new IllegalArgumentException("expected " + channels + " channel arrays, got " + samples.length);
    }
    if (sampleRate < 1) {
      throw new IllegalArgumentException("sampleRate must be >= 1, got " + sampleRate);
    }
  }

  /** Samples per channel. */
  public int frames() {
    return samples[0].length;
  }

  public short[] channel(int index) {
    return samples[index];
  }

  public long durationMillis() {
    return frames() * 1000L / sampleRate;
  }
}
