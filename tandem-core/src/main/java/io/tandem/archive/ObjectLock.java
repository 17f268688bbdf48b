package io.tandem.archive;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The S3 object lock an archive rule puts on each copy it writes: a retention mode and period, counted from the
 * call's start, and a legal hold. A copy whose retention would already have ended when it is written gets no
 * retention. Only S3 targets lock copies. Immutable.
 *
 * @param mode the retention mode, or null for no retention
 * @param retentionDays how many days after the call's start the copy is kept; 0 exactly when {@code mode} is null
 */
public record ObjectLock(RetentionMode mode, int retentionDays, boolean legalHold) {
  /** The longest retention period: 100 years. */
  public static final int MAX_RETENTION_DAYS = 36_525;
  /** No retention, no legal hold. */
  public static final ObjectLock NONE = new ObjectLock(null, 0, false);

  /** S3's two retention modes: GOVERNANCE yields to a user holding the bypass permission, COMPLIANCE to nobody. */
  public enum RetentionMode { GOVERNANCE, COMPLIANCE }

  public ObjectLock {
    if (mode == null && retentionDays != 0) {
      throw new IllegalArgumentException("a retention period needs a retention mode, got " + retentionDays + " days");
    }
    if (mode != null && (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS)) {
      throw new IllegalArgumentException("a retention period is 1 to " + MAX_RETENTION_DAYS + " days, got "
          + retentionDays);
    }
  }

  public boolean any() {
    return mode != null || legalHold;
  }

  /** When a copy of a call that started at {@code start} may go, or null when it has no retention or it is past. */
  public Instant retainUntil(Instant start, Instant now) {
    if (mode == null) {
      return null;
    }
    Instant until = Objects.requireNonNull(start, "start").plus(Duration.ofDays(retentionDays));
    return until.isAfter(now) ? until : null;
  }
}
