package io.tandem.archive;

import io.tandem.call.Inum;
import io.tandem.media.MediaChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where the archive rules keep calls' media, and where they are read back: a copy is named by its location, the text
 * the call database records for it, which means the same copy to every process; each process reaches it its own way.
 * Implementations are thread-safe.
 */
public interface Archive {
  /**
   * Copies a call's media file, as it is stored, to an archive rule's target under the rule's object lock;
   * idempotent, and never leaves a partial copy where a reader would find it.
   *
   * @return the copy's location, checksum, size and lock
   * @throws ArchiveUnavailableException when the target cannot take the copy now: the copy is to be tried again
   * @throws IOException when the copy cannot be made at all
   */
  ArchivedCopy copy(Path source, ArchiveRule rule, Inum inum, Instant start) throws IOException;

  /**
   * Opens the archived copy at {@code location} for reading its plain bytes at any position; a sealed copy is opened
   * with this process's media keys, chunk by chunk as it is read. The channel is for reading only; the caller closes
   * it.
   *
   * @throws ArchiveUnreachableException when the copy cannot be reached from this process, with the reason
   * @throws io.tandem.media.sealed.SealedMediaException when it is sealed under a key this process lacks
   * @throws IOException when it is reached but cannot be read
   */
  MediaChannel open(String location) throws IOException;
}
