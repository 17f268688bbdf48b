package io.tandem.archive;

import java.time.Instant;
import java.util.Objects;

/**
 * Where one call's media was archived: its location (the absolute path of a filesystem copy, or
 * {@code s3:<target>/<key>} for an S3 object, {@code ?versionId=<id>} after it in a bucket that keeps versions), its
 * SHA-256 (lower-case hex), its size in bytes, and the object lock its S3 target holds it under as the target reports
 * it (none for a filesystem copy). Immutable.
 *
 * @param retentionMode the retention mode the copy was written under, or null for none
 * @param retainUntil until when the copy is retained, or null for no retention
 */
public record ArchivedCopy(String location, String sha256, long bytes, ObjectLock.RetentionMode retentionMode,
    Instant retainUntil, boolean legalHold) {
  public ArchivedCopy {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(sha256, "sha256");
    if ((retentionMode == null) != (retainUntil == null)) {
      throw new IllegalArgumentException("a retention needs both a mode and a date, got " + retentionMode + " and "
          + retainUntil);
    }
  }

  /** A copy under no object lock. */
  public ArchivedCopy(String location, String sha256, long bytes) {
    this(location, sha256, bytes, null, null, false);
  }
}
