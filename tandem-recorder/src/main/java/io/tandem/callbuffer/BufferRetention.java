package io.tandem.callbuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import io.tandem.capture.rtp.PayloadLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the oldest finished calls beyond the buffer's age or capacity, with their Workflow entries and kept
 * metadata bodies. The media file goes before the row, so a crash in between leaves a row whose file is gone,
 * which the next pass deletes again.
 * Each batch runs in one transaction, so a Workflow entry cannot become active under a deletion.
 */
final class BufferRetention {
  private static final int BATCH = 200;
  private static final String CANDIDATES = "SELECT c.inum, c.start_nanos, c.media_bytes, c.media_path FROM calls c "
      + "WHERE c.state <> 'RECORDING' AND NOT EXISTS (SELECT 1 FROM workflow w WHERE w.inum = c.inum "
      + "AND w.state IN ('PENDING', 'ARCHIVING')) ORDER BY c.start_nanos, c.inum LIMIT ?";

  private final LocalStore store;
  private final Path dataDir;

  BufferRetention(LocalStore store, Path dataDir) {
    this.store = store;
    this.dataDir = dataDir;
  }

  int apply(Instant oldestKept, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
    }
    long cutoff = CallRows.boundNanos(oldestKept);
    int deleted = 0;
    while (true) {
      int batch = store.transaction(c -> deleteBatch(c, cutoff, maxBytes));
      deleted += batch;
      if (batch < BATCH) {
        return deleted;
      }
    }
  }

  private int deleteBatch(Connection c, long cutoffNanos, long maxBytes) throws SQLException {
    long total = totalBytes(c);
    List<Long> doomed = new ArrayList<>();
    try (PreparedStatement query = c.prepareStatement(CANDIDATES)) {
      query.setInt(1, BATCH);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next() && (rs.getLong(2) < cutoffNanos || total > maxBytes)) {
          deleteMedia(rs.getString(4));
          doomed.add(rs.getLong(1));
          total -= rs.getLong(3);
        }
      }
    }
    try (PreparedStatement deleteCall = c.prepareStatement("DELETE FROM calls WHERE inum = ?");
        PreparedStatement deleteEntry = c.prepareStatement("DELETE FROM workflow WHERE inum = ?");
        PreparedStatement deleteMetadata = c.prepareStatement("DELETE FROM call_metadata WHERE inum = ?")) {
      for (long inum : doomed) {
        deleteCall.setLong(1, inum);
        deleteCall.executeUpdate();
        deleteEntry.setLong(1, inum);
        deleteEntry.executeUpdate();
        deleteMetadata.setLong(1, inum);
        deleteMetadata.executeUpdate();
      }
    }
    return doomed.size();
  }

  private static long totalBytes(Connection c) throws SQLException {
    try (PreparedStatement query = c.prepareStatement("SELECT coalesce(sum(media_bytes), 0) FROM calls");
        ResultSet rs = query.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void deleteMedia(String mediaPath) {
    try {
      Path wav = dataDir.resolve(mediaPath);
      // Its payload log, waiting or kept, and what a decode cut off by a crash left, go with it.
      PayloadLog.deleteBeside(wav);
      Files.deleteIfExists(wav);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete media " + mediaPath + " of an expired call", e);
    }
  }
}
