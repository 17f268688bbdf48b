package io.tandem.archive;

import io.tandem.call.CallRecord;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A rule of the archive: which calls go to which target, and the object lock their copies are written under. A rule
 * with no recorder serial takes calls of every recorder; a call shorter than {@code minDurationMillis} is left out.
 * Only an S3 target locks copies. Immutable.
 *
 * @param recorderSerial the only recorder whose calls the rule takes, or null for all recorders
 * @param target the folder or the S3 target archived media is copied under
 * @param lock the object lock of each copy, {@link ObjectLock#NONE} for none
 */
public record ArchiveRule(long id, String name, Integer recorderSerial, long minDurationMillis, ArchiveTarget target,
    ObjectLock lock, boolean enabled) {

  public ArchiveRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    lock = lock == null ? ObjectLock.NONE : lock;
    if (minDurationMillis < 0) {
      throw new IllegalArgumentException("minDurationMillis must be >= 0, got " + minDurationMillis);
    }
    if (lock.any() && !(target instanceof ArchiveTarget.S3)) {
      throw new IllegalArgumentException("only an S3 target can lock its copies; a folder cannot");
    }
  }

  /** A rule copying under a filesystem folder. */
  public ArchiveRule(long id, String name, Integer recorderSerial, long minDurationMillis, Path folder,
      boolean enabled) {
    this(id, name, recorderSerial, minDurationMillis, new ArchiveTarget.Folder(folder), ObjectLock.NONE, enabled);
  }

  /** This rule under another id. */
  public ArchiveRule withId(long newId) {
    return new ArchiveRule(newId, name, recorderSerial, minDurationMillis, target, lock, enabled);
  }

  public boolean matches(CallRecord call) {
    return enabled
        && (recorderSerial == null || recorderSerial == call.inum().serial())
        && call.stats().durationMillis() >= minDurationMillis;
  }
}
