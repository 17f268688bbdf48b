package io.tandem.notification;

import java.time.Duration;

/**
 * Exponential backoff between the attempts to deliver one event: {@code first} after the first failure, twice as
 * long after each further one, never more than {@code max}. Immutable.
 */
record Backoff(Duration first, Duration max) {
  Backoff {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < first <= max, got " + first + " and " + max);
    }
  }

  /** The wait after the {@code failures}-th failure in a row (1 or more). */
  Duration after(int failures) {
    // Past 2^30 the doubling has long since reached any sane cap.
    int doublings = Math.min(Math.max(failures, 1) - 1, 30);
    Duration wait = first.multipliedBy(1L << doublings);
    return wait.compareTo(max) > 0 ? max : wait;
  }
}
