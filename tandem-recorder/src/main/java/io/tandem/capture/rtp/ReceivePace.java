package io.tandem.capture.rtp;

import java.nio.channels.SelectionKey;

/**
 * How one stream's socket is read: watched by the selector until a datagram comes, then polled
 * once per packet time, at the tick its next datagram is due, for as long as datagrams keep coming
 * on time. A stream at its normal pace thus costs one receive per packet and no selection. Confined
 * to its capture thread.
 */
final class ReceivePace {
  /** Polls that found the socket empty in a row before the selector watches it again. */
  static final int MAX_MISSES = 2;
  /** Every this many polls, one reads until the socket is empty, so a sender running fast builds no backlog. */
  static final int DRAIN_EVERY = 16;
  /** 60 ms: longer packets would wait in their socket longer than the shortest jitter delay that polls. */
  static final int MAX_POLLED_SAMPLES = 480;
  private static final long NANOS_PER_SAMPLE = 125_000;

  SelectionKey key;
  long dueTick;
  private int misses;
  private int pollsSinceDrain;
  private boolean drainNext;
  private int packetSamples = 160;

  /** Starts polling; {@code emptied} tells whether the socket was read until empty. */
  void startPolling(boolean emptied) {
    misses = 0;
    pollsSinceDrain = 0;
    drainNext = !emptied;
  }

  /**
   * How many datagrams this poll may read: one per packet time since the tick it was due, or, every
   * {@link #DRAIN_EVERY} polls and after a read that may have left datagrams, until the socket is
   * empty. A poll that reads no more than the datagrams due spends no receive on an empty socket.
   */
  int limit(long tick, long ticksToNext) {
    if (drainNext || pollsSinceDrain + 1 >= DRAIN_EVERY) {
      return ReceiveBudget.MAX;
    }
    return (int) Math.min(ReceiveBudget.MAX - 1, 1 + Math.max(0, tick - dueTick) / ticksToNext);
  }

  /**
   * Records a poll's outcome.
   *
   * @param drained whether the poll was to read until empty, {@code emptied} whether it found the socket empty
   * @return false when the stream has missed too often and goes back to the selector
   */
  boolean pollEnded(int received, boolean drained, boolean emptied) {
    if (received == 0) {
      misses++;
      return misses < MAX_MISSES;
    }
    misses = 0;
    pollsSinceDrain = drained ? 0 : pollsSinceDrain + 1;
    // A drain that found a backlog, or stopped before the end of one, drains again next time.
    drainNext = drained && (!emptied || received > 1);
    return true;
  }

  /** The length of the stream's last audio packet, in samples (8 kHz), which sets its packet time. */
  void packetSamples(int samples) {
    if (samples > 0) {
      packetSamples = samples;
    }
  }

  /** Whether the stream's packets are short enough to be polled. */
  boolean pollable() {
    return packetSamples <= MAX_POLLED_SAMPLES;
  }

  /** Ticks from one datagram to the next, rounded up, at least one. */
  long ticksToNext(long tickNanos) {
    long nanos = packetSamples * NANOS_PER_SAMPLE;
    return Math.max(1, Math.min(PollWheel.SLOTS - 1, (nanos + tickNanos - 1) / tickNanos));
  }

  boolean retryNextTick() {
    return misses > 0;
  }
}
