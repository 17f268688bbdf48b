package io.tandem.database;

import io.tandem.call.Inum;

/**
 * Where the best copy of an interaction can be read: the archive location when it was archived,
 * otherwise the admin API of the recorder that holds it.
 *
 * @param adminUrl null when the recorder is no longer registered
 * @param archiveLocation null when the copy was not archived
 */
public record MediaSource(Inum inum, int serial, String adminUrl, String archiveLocation) {
  public boolean archived() {
    return archiveLocation != null;
  }
}
