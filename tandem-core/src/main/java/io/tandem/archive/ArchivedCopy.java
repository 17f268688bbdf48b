package io.tandem.archive;

/**
 * Where one call's media was archived: the absolute path of the copy, its SHA-256 (lower-case hex) and its
 * size in bytes. Immutable.
 */
public record ArchivedCopy(String location, String sha256, long bytes) {}
