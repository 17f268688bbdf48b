package io.tandem.rebuild;

import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.LocalStore;
import io.tandem.callbuffer.ScanPage;
import io.tandem.workflow.Workflow;
import io.tandem.workflow.WorkflowState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * Rebuilds a recorder's Workflow from its call buffer. Fix adds every matching INUM missing from the
 * Workflow as PENDING and promoted, so it is consolidated even on a secondary, committing a chunk of
 * additions at a time; entries already there are left alone, and a rerun after a crash adds what is still missing.
 * Full clears the Workflow and adds every matching INUM as AWAITING_REPROCESS, also a chunk at a time, so that live
 * recording (a call's start and end are writes to the same store) never waits for the whole of it: a Full of a
 * million calls held the store for seconds, and a call that began meanwhile waited that long for its INVITE's
 * answer. A Full is recorded as begun in the transaction that clears the Workflow and as ended in its last one; one
 * cut by a stop or a crash is finished at the next start ({@link #cutFull}, {@link #finishFull}), which adds what is
 * still missing without clearing again, so that a crash ends as no crash would. Entries that live recording submits
 * while a Full runs are kept: a call that ends meanwhile inside its range is consolidated at once if its entry came
 * first (the Full counts it as already present), and waits for a reprocess otherwise. Both are idempotent. Not
 * thread-safe: one rebuild at a time (the {@link JobRunner} sees to it).
 */
public final class Rebuild {
  private final LocalStore store;
  private final CallBuffer buffer;
  private final Workflow workflow;

  public Rebuild(LocalStore store, CallBuffer buffer, Workflow workflow) {
    this.store = Objects.requireNonNull(store, "store");
    this.buffer = Objects.requireNonNull(buffer, "buffer");
    this.workflow = Objects.requireNonNull(workflow, "workflow");
  }

  /** Runs the scope's Fix or Full; {@code now} stands for an open end time. */
  public void run(RebuildScope scope, Instant now, JobProgress progress) {
    Instant from = scope.fromInclusive() == null ? Instant.MIN : scope.fromInclusive();
    Instant to = scope.toExclusive() == null ? now : scope.toExclusive();
    progress.total(buffer.count(from, to));
    if (scope.full()) {
      full(scope, from, to, progress);
    } else {
      fix(pages -> buffer.scanPages(from, to, scope.includeMasterCalls(), scope.includeSlaveCalls(), pages),
          progress);
    }
  }

  /**
   * A Fix, master and slave calls, of every call live at some moment of {@code [from, to)}: started before
   * {@code to}, and still recording or ended at or after {@code from}. This is the failover's promotion;
   * a Rebuild typed in the WorkflowShell matches by start only.
   */
  void fixLive(Instant from, Instant to, JobProgress progress) {
    progress.total(buffer.countLive(from, to));
    fix(pages -> buffer.scanLive(from, to, true, true, pages), progress);
  }

  private void fix(Consumer<Consumer<ScanPage>> scan, JobProgress progress) {
    List<Inum> missing = new ArrayList<>();
    scan.accept(page -> {
      stopIfInterrupted();
      List<Inum> matched = page.matched();
      Set<Inum> present = workflow.presentAmong(matched);
      for (Inum inum : matched) {
        if (!present.contains(inum)) {
          missing.add(inum);
        }
      }
      progress.page(page.scanned(), matched.size(), 0, present.size());
      // Adds are committed a chunk at a time, not a page at a time: one sync per chunk added.
      if (missing.size() >= CallBuffer.SCAN_CHUNK) {
        add(missing, WorkflowState.PENDING, true, progress);
      }
    });
    add(missing, WorkflowState.PENDING, true, progress);
  }

  /**
   * Adds a chunk of INUMs in one transaction and empties it; an entry already there (for a Fix, one that appeared
   * since {@code presentAmong}, as when the primary submitted it) counts as already present.
   */
  private void add(List<Inum> chunk, WorkflowState state, boolean promoted, JobProgress progress) {
    if (chunk.isEmpty()) {
      return;
    }
    int added = workflow.submitAll(chunk, state, promoted);
    progress.page(0, 0, added, chunk.size() - added);
    chunk.clear();
  }

  private void full(RebuildScope scope, Instant from, Instant to, JobProgress progress) {
    CutFull begun = new CutFull(scope.command(ZoneOffset.UTC), from, to, scope.includeMasterCalls(),
        scope.includeSlaveCalls());
    store.transaction(c -> {
      workflow.clear();
      try (PreparedStatement record = c.prepareStatement("INSERT OR REPLACE INTO rebuild_full (id, command,"
          + " from_time, to_time, include_master, include_slave) VALUES (1, ?, ?, ?, ?, ?)")) {
        record.setString(1, begun.command());
        record.setString(2, begun.from().toString());
        record.setString(3, begun.to().toString());
        record.setInt(4, begun.includeMasterCalls() ? 1 : 0);
        record.setInt(5, begun.includeSlaveCalls() ? 1 : 0);
        record.executeUpdate();
      }
      return null;
    });
    finishFull(begun, progress);
  }

  /** A Full that was begun and not ended: its command (times in UTC), and the range and kinds of calls it takes. */
  public record CutFull(String command, Instant from, Instant to, boolean includeMasterCalls,
      boolean includeSlaveCalls) {
    public CutFull {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** The Full that a stop or a crash cut, if any: begun (the Workflow cleared) and not ended. */
  public Optional<CutFull> cutFull() {
    return store.read(c -> {
      try (PreparedStatement query = c.prepareStatement("SELECT command, from_time, to_time, include_master,"
          + " include_slave FROM rebuild_full WHERE id = 1");
          ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(new CutFull(row.getString(1), Instant.parse(row.getString(2)),
            Instant.parse(row.getString(3)), row.getInt(4) == 1, row.getInt(5) == 1)) : Optional.empty();
      }
    });
  }

  /**
   * Adds every INUM the Full takes that is not in the Workflow, as AWAITING_REPROCESS, a chunk at a time, then
   * records the Full as ended. Runs the Full after its clear, and again from the start of its range after a stop cut
   * it: what is there already (added before the stop, or by live recording since the clear) is left alone.
   */
  public void finishFull(CutFull full, JobProgress progress) {
    progress.total(buffer.count(full.from(), full.to()));
    List<Inum> matched = new ArrayList<>();
    buffer.scanPages(full.from(), full.to(), full.includeMasterCalls(), full.includeSlaveCalls(), page -> {
      stopIfInterrupted();
      matched.addAll(page.matched());
      progress.page(page.scanned(), page.matched().size(), 0, 0);
      if (matched.size() >= CallBuffer.SCAN_CHUNK) {
        add(matched, WorkflowState.AWAITING_REPROCESS, false, progress);
      }
    });
    add(matched, WorkflowState.AWAITING_REPROCESS, false, progress);
    store.transaction(c -> {
      try (PreparedStatement ended = c.prepareStatement("DELETE FROM rebuild_full WHERE id = 1")) {
        ended.executeUpdate();
      }
      return null;
    });
  }

  static void stopIfInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("stopped: the recorder is shutting down");
    }
  }
}
