package io.tandem.database;

import io.tandem.archive.ObjectLock;
import java.time.Instant;

/**
 * A copy's archive state: where it was archived and when, its SHA-256 and size, and the object lock its S3 target
 * holds it under ({@code retentionMode} and {@code retainUntil} null for no retention). Immutable.
 */
public record CopyArchive(String location, String sha256, long bytes, Instant archivedAt,
    ObjectLock.RetentionMode retentionMode, Instant retainUntil, boolean legalHold) {}
