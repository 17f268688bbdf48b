package io.tandem.database;

import java.time.Instant;

/**
 * One role change of a pair as stored: FAILOVER (the primary failed) or FAILBACK (asked for by hand), the
 * recorder that lost the primary role and the one that took it, the epoch it raised the pair to, when the
 * failure was detected, the rollback window and the start of the promoted range, and its state: PROMOTING
 * until the new primary has promoted its calls of the window, then DONE with the figures, or SUPERSEDED
 * when the new primary failed in turn first. The figures are null while PROMOTING. Immutable.
 */
public record FailoverView(long id, String pair, String kind, String fromSerial, String toSerial, long epoch,
    Instant detectedAt, long windowSeconds, Instant windowFrom, String state, Integer promoted,
    Integer alreadyPresent, Long durationMillis, Instant finishedAt) {

  public boolean open() {
    return "PROMOTING".equals(state);
  }
}
