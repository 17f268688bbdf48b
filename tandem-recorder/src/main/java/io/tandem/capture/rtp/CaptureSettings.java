package io.tandem.capture.rtp;

import java.time.Duration;
import java.util.Objects;

/**
 * How media capture runs: selector threads (calls are spread over them), how long packets may be
 * late or out of order before their place in the WAV is written (jitterDelay), how often the
 * received audio is written to disk (flushInterval), and how long a capture thread lets datagrams
 * gather in its sockets between two receive rounds (receiveInterval), so that one round takes many
 * streams' packets for one wake-up. With a jitter delay of 100 ms or more, a stream at its pace is
 * read once per poll span ({@link #pollSpanSamples}: 140 ms at the default 200 ms, one packet time for longer
 * packets) rather than selected for every datagram.
 * Each stream latches to the first source (address and port) that sends it a valid packet; with
 * {@code sourceTakeover} set, a stream silent that long may be taken by a new source (an SBC that failed over to
 * another media address), and with it zero, never. {@code receive} says how sockets are read: in batches
 * (recvmmsg), one datagram per receive, or batches when a check at start finds them working (the default).
 * Immutable; validated when built.
 */
public record CaptureSettings(int threads, Duration jitterDelay, Duration flushInterval, Duration receiveInterval,
    Duration sourceTakeover, ReceiveMode receive) {
  /** Latched for good: a new source never takes a stream. */
  public static final Duration NO_TAKEOVER = Duration.ZERO;
  public static final int DEFAULT_THREADS = 1;
  public static final Duration DEFAULT_JITTER_DELAY = Duration.ofMillis(200);
  /**
   * Each call writes once per flush interval (about 10 us a write here, whatever its size), so a longer one
   * costs less CPU per packet; a packet reaches the disk at most the jitter delay plus this after it arrives.
   */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);
  /** A quarter of a 20 ms packet: a socket holds at most one or two datagrams between rounds. */
  public static final Duration DEFAULT_RECEIVE_INTERVAL = Duration.ofMillis(5);
  /**
   * What a polled datagram's wait is kept short of the jitter delay by: longer than a round may come late
   * ({@link CaptureLoop#LATE_ROUND_MILLIS}; a later one reads every socket before anything is written).
   */
  static final long POLL_MARGIN_MILLIS = CaptureLoop.LATE_ROUND_MILLIS + 5;
  /** The shortest span worth polling: two 20 ms packets. */
  static final int MIN_POLL_SPAN_SAMPLES = 320;
  private static final long NANOS_PER_SAMPLE = 125_000;
  private static final Duration MAX_DELAY = Duration.ofSeconds(10);
  private static final Duration MAX_RECEIVE_INTERVAL = Duration.ofMillis(20);

  public CaptureSettings {
    Objects.requireNonNull(jitterDelay, "jitterDelay");
    Objects.requireNonNull(flushInterval, "flushInterval");
    Objects.requireNonNull(receiveInterval, "receiveInterval");
    Objects.requireNonNull(sourceTakeover, "sourceTakeover");
    Objects.requireNonNull(receive, "receive");
    if (sourceTakeover.isNegative() || sourceTakeover.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("sourceTakeover must be 0 (never) to 1 h, got " + sourceTakeover);
    }
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("threads must be 1 to 64, got " + threads);
    }
    if (jitterDelay.isNegative() || jitterDelay.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("jitterDelay must be 0 to 10 s, got " + jitterDelay);
    }
    if (flushInterval.toMillis() < 1 || flushInterval.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("flushInterval must be 1 ms to 10 s, got " + flushInterval);
    }
    if (receiveInterval.isNegative() || receiveInterval.compareTo(MAX_RECEIVE_INTERVAL) > 0) {
      throw new IllegalArgumentException("receiveInterval must be 0 to 20 ms, got " + receiveInterval);
    }
    // A packet read later than its slot's jitter delay would find its place already written.
    if (receiveInterval.compareTo(jitterDelay) > 0) {
      throw new IllegalArgumentException("receiveInterval must not exceed jitterDelay (" + jitterDelay + "), got "
          + receiveInterval);
    }
  }

  /** Sockets read as a check at start picks. */
  public CaptureSettings(int threads, Duration jitterDelay, Duration flushInterval, Duration receiveInterval,
      Duration sourceTakeover) {
    this(threads, jitterDelay, flushInterval, receiveInterval, sourceTakeover, ReceiveMode.AUTO);
  }

  /** Streams latched for good. */
  public CaptureSettings(int threads, Duration jitterDelay, Duration flushInterval, Duration receiveInterval) {
    this(threads, jitterDelay, flushInterval, receiveInterval, NO_TAKEOVER);
  }

  /** The default receive interval, shortened to the jitter delay when that is shorter; streams latched for good. */
  public CaptureSettings(int threads, Duration jitterDelay, Duration flushInterval) {
    this(threads, jitterDelay, flushInterval, shorterOf(DEFAULT_RECEIVE_INTERVAL, jitterDelay), NO_TAKEOVER);
  }

  public static CaptureSettings defaults() {
    return new CaptureSettings(DEFAULT_THREADS, DEFAULT_JITTER_DELAY, DEFAULT_FLUSH_INTERVAL,
        DEFAULT_RECEIVE_INTERVAL, NO_TAKEOVER, ReceiveMode.AUTO);
  }

  /** These settings with streams that a new source may take after {@code silence} (zero: never). */
  public CaptureSettings withSourceTakeover(Duration silence) {
    return new CaptureSettings(threads, jitterDelay, flushInterval, receiveInterval, silence, receive);
  }

  /** These settings with sockets read as {@code mode} says. */
  public CaptureSettings withReceive(ReceiveMode mode) {
    return new CaptureSettings(threads, jitterDelay, flushInterval, receiveInterval, sourceTakeover, mode);
  }

  /**
   * Samples a stream must be able to hold ahead of what is written: jitter, two flushes, a receive
   * interval and a packet.
   */
  int ringFrames() {
    long needed = (jitterDelay.toMillis() + 2 * flushInterval.toMillis() + receiveInterval.toMillis()) * 8 + 2048;
    return Integer.highestOneBit((int) needed - 1) << 1;
  }

  /**
   * How much audio (8 kHz samples) one poll of a stream at its pace may find waiting in its socket; 0 when streams
   * are not polled (no receive interval, or a jitter delay under 100 ms at the default interval). A polled datagram
   * waits in its socket up to a span and a receive interval, and its place is written once it is a jitter delay
   * old; so the span is the jitter delay less a receive interval and {@link #POLL_MARGIN_MILLIS}, at most what the
   * poll wheel reaches. 40 ms at a jitter delay of 100 ms; 140 ms at the default 200 ms, seven 20 ms packets a
   * poll: with sockets read in batches, one system call for seven datagrams, where a 40 ms span gave two (a
   * datagram's CPU 2.9 against 1.6 to 1.9 us, BENCHMARKS).
   */
  int pollSpanSamples() {
    long interval = receiveInterval.toNanos();
    if (interval == 0) {
      return 0;
    }
    long nanos = jitterDelay.toNanos() - interval - Duration.ofMillis(POLL_MARGIN_MILLIS).toNanos();
    long samples = Math.min(nanos, (PollWheel.SLOTS - 1) * interval) / NANOS_PER_SAMPLE;
    return samples < MIN_POLL_SPAN_SAMPLES ? 0 : (int) samples;
  }

  private static Duration shorterOf(Duration a, Duration b) {
    return b == null || a.compareTo(b) <= 0 ? a : b;
  }
}
