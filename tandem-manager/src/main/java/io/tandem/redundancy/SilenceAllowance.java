package io.tandem.redundancy;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * How long one recorder may stay silent before the reconnection try that can declare it hung: the silence limit of
 * the health settings, or twice the longest silence this recorder showed in the last minute and came back from,
 * whichever is longer, and never more than four times the limit.
 *
 * <p>A frozen recorder and a slow one look the same from the Manager while both are silent: neither beats nor
 * answers. What tells them apart is the recent past. A recorder whose beats always came on time and then stop is
 * frozen or cut off, and is declared as soon as the limit allows (1.25 to 1.5 s by default). One that has just come
 * back from silences of 700 ms (its collector, a host too busy to run it) is likely to go silent that long again,
 * and is given twice as long before the try, so that being slow is never taken for a failure; a hang of such a
 * recorder is still declared, at most four limits and a try after its last beat (3.5 to 3.75 s by default). A
 * minute without such silences brings the allowance back to the limit. Thread-safe: the beats' reader records, the
 * watch reads.
 */
final class SilenceAllowance {
  /** How long a silence is remembered. */
  static final Duration MEMORY = Duration.ofMinutes(1);
  /** How many times its longest recent silence a recorder is allowed. */
  static final int TIMES_LONGEST = 2;
  /** The most that is ever allowed, in silence limits. */
  static final int MOST_LIMITS = 4;

  private final long limitNanos;
  private final long mostNanos;
  private final long memoryNanos;
  /**
   * The silences that raise the allowance, as {at, length} in nanoseconds, oldest first, each longer than every one
   * after it: a silence that a longer, later one outlasts in memory can never be the longest again.
   */
  private final ArrayDeque<long[]> longest = new ArrayDeque<>();

  SilenceAllowance(Duration limit) {
    this.limitNanos = limit.toNanos();
    this.mostNanos = limit.toNanos() * MOST_LIMITS;
    this.memoryNanos = MEMORY.toNanos();
  }

  /** The recorder beat again at {@code nowNanos} after {@code silentNanos} without a beat. */
  synchronized void cameBackAfter(long nowNanos, long silentNanos) {
    if (silentNanos * TIMES_LONGEST <= limitNanos) {
      return;
    }
    while (!longest.isEmpty() && longest.peekLast()[1] <= silentNanos) {
      longest.pollLast();
    }
    longest.addLast(new long[] {nowNanos, silentNanos});
  }

  /** The silence allowed at {@code nowNanos}, in nanoseconds. */
  synchronized long allowedNanos(long nowNanos) {
    while (!longest.isEmpty() && nowNanos - longest.peekFirst()[0] > memoryNanos) {
      longest.pollFirst();
    }
    if (longest.isEmpty()) {
      return limitNanos;
    }
    long twice = longest.peekFirst()[1] * TIMES_LONGEST;
    return Math.min(mostNanos, Math.max(limitNanos, twice));
  }

  /** The most ever allowed, in nanoseconds: four limits. */
  long mostNanos() {
    return mostNanos;
  }

  Duration allowed(long nowNanos) {
    return Duration.ofNanos(allowedNanos(nowNanos));
  }
}
