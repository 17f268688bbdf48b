package io.tandem.capture.rtp;

import java.nio.channels.SelectionKey;

/**
 * How one stream's socket is read: watched by the selector until a datagram comes, then polled
 * once per poll span (as many whole packet times as fit in the span, at least one), at the tick its
 * datagrams are due, for as long as datagrams keep coming on time. A stream at its normal pace thus
 * costs one receive per packet and no selection, and one wake of its state per span rather than per
 * packet. Confined to its capture thread.
 */
final class ReceivePace {
  /** Polls that found the socket empty in a row before the selector watches it again. */
  static final int MAX_MISSES = 2;
  /** Every this many polls, one reads until the socket is empty, so a sender running fast builds no backlog. */
  static final int DRAIN_EVERY = 16;
  /** 60 ms: longer packets would wait in their socket longer than the shortest jitter delay that polls. */
  static final int MAX_POLLED_SAMPLES = 480;
  private static final long NANOS_PER_SAMPLE = 125_000;
  private static final int SAMPLES_PER_MILLI = 8;

  SelectionKey key;
  long dueTick;
  private final int spanSamples;
  private int misses;
  private int pollsSinceDrain;
  private boolean drainNext;
  private int packetSamples = 160;

  /** Polls once per packet. */
  ReceivePace() {
    this(0);
  }

  /** @param spanSamples how much audio (8 kHz samples) one poll may find waiting; one packet at least */
  ReceivePace(int spanSamples) {
    this.spanSamples = spanSamples;
  }

  /** Starts polling; {@code emptied} tells whether the socket was read until empty. */
  void startPolling(boolean emptied) {
    misses = 0;
    pollsSinceDrain = 0;
    drainNext = !emptied;
  }

  /**
   * How many datagrams this poll may read: the packets of one span, and those of another span for each
   * span the poll is late; or, every {@link #DRAIN_EVERY} polls and after a read that may have left
   * datagrams, until the socket is empty. A poll that reads no more than the datagrams due spends no
   * receive on an empty socket.
   */
  int limit(long tick, long ticksToNext) {
    if (drainNext || pollsSinceDrain + 1 >= DRAIN_EVERY) {
      return ReceiveBudget.MAX;
    }
    return expected(tick, ticksToNext);
  }

  /** The datagrams a poll at {@code tick} expects to find: those of one span, and of one more per span late. */
  int expected(long tick, long ticksToNext) {
    long spans = 1 + Math.max(0, tick - dueTick) / ticksToNext;
    return (int) Math.min(ReceiveBudget.MAX - 1, spans * packetsPerPoll());
  }

  /**
   * How long before a poll its {@code index}-th datagram (from 0) may have arrived, at the earliest the
   * stream's pace allows, when the poll expected {@code expected}: the last one a packet time before the
   * poll, each earlier one a packet time before the next; 0 when nothing was expected (a selected socket).
   */
  long waitedMillis(int index, int expected) {
    return (long) Math.max(0, expected - index) * packetSamples / SAMPLES_PER_MILLI;
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
    drainNext = drained && (!emptied || received > packetsPerPoll());
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

  /** Datagrams one poll expects: the whole packets that fit in the span, at least one. */
  int packetsPerPoll() {
    return Math.max(1, spanSamples / packetSamples);
  }

  /** Ticks from one poll to the next (the packet times of one poll), rounded up, at least one. */
  long ticksToNext(long tickNanos) {
    long nanos = (long) packetsPerPoll() * packetSamples * NANOS_PER_SAMPLE;
    return Math.max(1, Math.min(PollWheel.SLOTS - 1, (nanos + tickNanos - 1) / tickNanos));
  }

  boolean retryNextTick() {
    return misses > 0;
  }
}
