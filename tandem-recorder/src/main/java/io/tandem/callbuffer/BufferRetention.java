package io.tandem.callbuffer;

import io.tandem.capture.rtp.PayloadLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls off the oldest finished calls beyond the buffer's age or size, with their Workflow entries and kept
 * metadata bodies, but only those the {@link RetentionRules} let go: a call never promoted, linked or marked
 * stays, as does one awaiting reprocess, one in a legal hold, and one in the range of a Rebuild Full that has begun
 * and not ended (its entries are re-added a chunk at a time after the Workflow is cleared, so a call of its range may
 * be without its entry for a moment), and is counted as held. Walks the finished calls
 * oldest first, in batches, asking the call database once a batch. A batch's deletions run in one local
 * transaction that checks the Workflow and the unended Full again, so an entry that became active meanwhile, or a
 * Full begun meanwhile, keeps its call. The media
 * file goes before the row, so a crash in between leaves a row whose file is gone, which the next pass deletes.
 */
final class BufferRetention {
  private static final Logger LOG = LoggerFactory.getLogger(BufferRetention.class);
  private static final int BATCH = 200;
  /** Workflow states whose call must stay: being consolidated, or waiting for a reprocess to consolidate it. */
  private static final Set<String> KEPT = Set.of("PENDING", "ARCHIVING", "AWAITING_REPROCESS");
  private static final String KEPT_STATES = "('PENDING', 'ARCHIVING', 'AWAITING_REPROCESS')";
  private static final String CANDIDATES = "SELECT c.inum, c.start_nanos, c.media_bytes, c.media_path, w.state "
      + "FROM calls c LEFT JOIN workflow w ON w.inum = c.inum WHERE c.state <> 'RECORDING' "
      + "AND (c.start_nanos > ? OR (c.start_nanos = ? AND c.inum > ?)) ORDER BY c.start_nanos, c.inum LIMIT ?";
  private static final String STILL_KEPT = "SELECT 1 FROM workflow WHERE inum = ? AND state IN " + KEPT_STATES;

  private record Candidate(long inum, long startNanos, long bytes, String mediaPath, String workflowState) {}

  private final LocalStore store;
  private final Path dataDir;
  /** Cleared by a failed look-up, so that a pass asks an unreachable call database once, not once a batch. */
  private boolean canAsk = true;

  BufferRetention(LocalStore store, Path dataDir) {
    this.store = store;
    this.dataDir = dataDir;
  }

  RetentionResult apply(RetentionRules rules) {
    long cutoff = CallRows.boundNanos(rules.oldestKept());
    long total = store.read(BufferRetention::totalBytes);
    long[] full = store.read(BufferRetention::unendedFull);
    int removed = 0;
    long heldCalls = 0;
    long heldBytes = 0;
    long afterStart = Long.MIN_VALUE;
    long afterInum = Long.MIN_VALUE;
    boolean more = true;
    while (more) {
      List<Candidate> batch = candidates(afterStart, afterInum);
      more = batch.size() == BATCH;
      if (batch.isEmpty() || !due(batch.getFirst(), cutoff, total, rules)) {
        break;
      }
      Set<Long> linked = linked(rules, batch);
      List<Candidate> doomed = new ArrayList<>();
      for (Candidate candidate : batch) {
        if (!due(candidate, cutoff, total, rules)) {
          more = false;
          break;
        }
        if (keeps(rules, candidate, linked) || inRange(full, candidate)) {
          heldCalls++;
          heldBytes += candidate.bytes();
        } else {
          doomed.add(candidate);
          total -= candidate.bytes();
        }
        afterStart = candidate.startNanos();
        afterInum = candidate.inum();
      }
      removed += doomed.isEmpty() ? 0 : store.transaction(c -> delete(c, doomed));
    }
    long after = store.read(BufferRetention::totalBytes);
    return new RetentionResult(removed, heldCalls, heldBytes, after, after > rules.maxBytes());
  }

  /** Whether a call is due: past its retention, or among the oldest while the buffer is over its size. */
  private static boolean due(Candidate candidate, long cutoff, long total, RetentionRules rules) {
    return candidate.startNanos() < cutoff || total > rules.maxBytes();
  }

  private static boolean keeps(RetentionRules rules, Candidate candidate, Set<Long> linked) {
    if (rules.held(CallRows.instant(candidate.startNanos()))) {
      return true;
    }
    String state = candidate.workflowState();
    if (state != null && KEPT.contains(state)) {
      return true;
    }
    return !"DONE".equals(state) && !linked.contains(candidate.inum());
  }

  /**
   * The start range {@code [from, to)} in nanoseconds of the Rebuild Full that has begun and not ended (see the
   * rebuild package's {@code Rebuild}), or null when there is none.
   */
  private static long[] unendedFull(Connection c) throws SQLException {
    try (PreparedStatement query = c.prepareStatement("SELECT from_time, to_time FROM rebuild_full WHERE id = 1");
        ResultSet rs = query.executeQuery()) {
      return rs.next() ? new long[] {CallRows.boundNanos(Instant.parse(rs.getString(1))),
          CallRows.boundNanos(Instant.parse(rs.getString(2)))} : null;
    }
  }

  private static boolean inRange(long[] full, Candidate candidate) {
    return full != null && candidate.startNanos() >= full[0] && candidate.startNanos() < full[1];
  }

  /** Which calls the call database holds as copies; those DONE in the Workflow were marked and are not asked. */
  private Set<Long> linked(RetentionRules rules, List<Candidate> batch) {
    long[] asked = batch.stream().filter(c -> !"DONE".equals(c.workflowState())).mapToLong(Candidate::inum).toArray();
    if (asked.length == 0 || !canAsk) {
      return Set.of();
    }
    try {
      return new HashSet<>(rules.links().linked(asked));
    } catch (Exception e) {
      canAsk = false;
      LOG.warn("retention cannot ask the call database which calls are linked ({}); in this pass every call not "
          + "marked here is held", e.getMessage());
      return Set.of();
    }
  }

  private List<Candidate> candidates(long afterStart, long afterInum) {
    return store.read(c -> {
      try (PreparedStatement query = c.prepareStatement(CANDIDATES)) {
        query.setLong(1, afterStart);
        query.setLong(2, afterStart);
        query.setLong(3, afterInum);
        query.setInt(4, BATCH);
        List<Candidate> found = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            found.add(new Candidate(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
          }
        }
        return found;
      }
    });
  }

  private int delete(Connection c, List<Candidate> doomed) throws SQLException {
    long[] full = unendedFull(c);
    int deleted = 0;
    try (PreparedStatement stillKept = c.prepareStatement(STILL_KEPT);
        PreparedStatement deleteCall = c.prepareStatement("DELETE FROM calls WHERE inum = ?");
        PreparedStatement deleteEntry = c.prepareStatement("DELETE FROM workflow WHERE inum = ?");
        PreparedStatement deleteMetadata = c.prepareStatement("DELETE FROM call_metadata WHERE inum = ?")) {
      for (Candidate call : doomed) {
        if (inRange(full, call)) {
          continue;
        }
        stillKept.setLong(1, call.inum());
        try (ResultSet rs = stillKept.executeQuery()) {
          if (rs.next()) {
            continue;
          }
        }
        deleteMedia(call.mediaPath());
        for (PreparedStatement delete : List.of(deleteCall, deleteEntry, deleteMetadata)) {
          delete.setLong(1, call.inum());
          delete.executeUpdate();
        }
        deleted++;
      }
    }
    return deleted;
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
