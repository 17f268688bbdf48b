package io.tandem.capture.rtp;

import java.time.Duration;
import java.util.Objects;

/**
 * How media capture runs: selector threads (calls are spread over them), how long packets may be
 * late or out of order before their place in the WAV is written (jitterDelay), and how often the
 * received audio is written to disk (flushInterval). Immutable; validated when built.
 */
public record CaptureSettings(int threads, Duration jitterDelay, Duration flushInterval) {
  public static final int DEFAULT_THREADS = 1;
  public static final Duration DEFAULT_JITTER_DELAY = Duration.ofMillis(200);
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(100);
  private static final Duration MAX_DELAY = Duration.ofSeconds(10);

  public CaptureSettings {
    Objects.requireNonNull(jitterDelay, "jitterDelay");
    Objects.requireNonNull(flushInterval, "flushInterval");
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("threads must be 1 to 64, got " + threads);
    }
    if (jitterDelay.isNegative() || jitterDelay.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("jitterDelay must be 0 to 10 s, got " + jitterDelay);
    }
    if (flushInterval.toMillis() < 1 || flushInterval.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("flushInterval must be 1 ms to 10 s, got " + flushInterval);
    }
  }

  public static CaptureSettings defaults() {
    return new CaptureSettings(DEFAULT_THREADS, DEFAULT_JITTER_DELAY, DEFAULT_FLUSH_INTERVAL);
  }

  /** Samples a stream must be able to hold ahead of what is written: jitter, two flushes and a packet. */
  int ringFrames() {
    long needed = (jitterDelay.toMillis() + 2 * flushInterval.toMillis()) * 8 + 2048;
    return Integer.highestOneBit((int) needed - 1) << 1;
  }
}
