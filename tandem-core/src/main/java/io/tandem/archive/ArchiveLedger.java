package io.tandem.archive;

import io.tandem.call.Inum;
import java.sql.SQLException;
import java.util.List;

/**
 * The archive's side of the call database: the rules in force and where each copy was archived, under which lock.
 * Recording an archived copy twice is harmless. Implementations are thread-safe.
 */
public interface ArchiveLedger {
  List<ArchiveRule> rules() throws SQLException;

  void recordArchived(Inum inum, ArchivedCopy copy) throws SQLException;

  /** Records a copy under no object lock. */
  default void recordArchived(Inum inum, String location, String sha256, long bytes) throws SQLException {
    recordArchived(inum, new ArchivedCopy(location, sha256, bytes));
  }
}
