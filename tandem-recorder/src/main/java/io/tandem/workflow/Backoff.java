package io.tandem.workflow;

/**
 * Exponential backoff of one consolidation step: 100 ms after the first retryable failure, doubling up to
 * 30 s, back to none after a success. Used by the consolidation thread only.
 */
final class Backoff {
  static final long FIRST_MILLIS = 100;
  static final long MAX_MILLIS = 30_000;

  private long delayMillis;
  private long notBeforeMillis = Long.MIN_VALUE;

  /** Records a failure at {@code nowMillis} and returns the delay before the next attempt. */
  long failed(long nowMillis) {
    delayMillis = delayMillis == 0 ? FIRST_MILLIS : Math.min(MAX_MILLIS, delayMillis * 2);
    notBeforeMillis = nowMillis + delayMillis;
    return delayMillis;
  }

  void succeeded() {
    delayMillis = 0;
    notBeforeMillis = Long.MIN_VALUE;
  }

  boolean ready(long nowMillis) {
    return nowMillis >= notBeforeMillis;
  }

  /** Milliseconds until the step may run again; zero when it may run now. */
  long remaining(long nowMillis) {
    return Math.max(0, notBeforeMillis - nowMillis);
  }
}
