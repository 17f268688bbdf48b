package io.tandem.archive;

import io.tandem.call.CallRecord;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A rule of the archive: which calls go to which target. A rule with no recorder serial takes calls of
 * every recorder; a call shorter than {@code minDurationMillis} is left out. Immutable.
 *
 * @param recorderSerial the only recorder whose calls the rule takes, or null for all recorders
 * @param target the filesystem folder archived media is copied under
 */
public record ArchiveRule(long id, String name, Integer recorderSerial, long minDurationMillis, Path target,
    boolean enabled) {

  public ArchiveRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    if (minDurationMillis < 0) {
      throw new IllegalArgumentException("minDurationMillis must be >= 0, got " + minDurationMillis);
    }
  }

  public boolean matches(CallRecord call) {
    return enabled
        && (recorderSerial == null || recorderSerial == call.inum().serial())
        && call.stats().durationMillis() >= minDurationMillis;
  }
}
