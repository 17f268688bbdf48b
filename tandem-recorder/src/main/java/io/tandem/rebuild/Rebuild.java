package io.tandem.rebuild;

import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.LocalStore;
import io.tandem.callbuffer.ScanPage;
import io.tandem.workflow.Workflow;
import io.tandem.workflow.WorkflowState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * Rebuilds a recorder's Workflow from its call buffer. Fix adds every matching INUM missing from the
 * Workflow as PENDING and promoted, so it is consolidated even on a secondary, committing a chunk of
 * additions at a time; entries already there are left alone, and a rerun after a crash adds what is still missing. Full
 * clears the Workflow and adds every matching INUM as AWAITING_REPROCESS in one local transaction, so a
 * crash leaves the Workflow as it was before or as after. Both are idempotent. Not thread-safe: one
 * rebuild at a time (the {@link JobRunner} sees to it).
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
        add(missing, progress);
      }
    });
    add(missing, progress);
  }

  private void add(List<Inum> missing, JobProgress progress) {
    if (missing.isEmpty()) {
      return;
    }
    int added = workflow.submitAll(missing, WorkflowState.PENDING, true);
    // An entry that appeared since presentAmong (the primary submitted it) counts as already present.
    progress.page(0, 0, added, missing.size() - added);
    missing.clear();
  }

  private void full(RebuildScope scope, Instant from, Instant to, JobProgress progress) {
    store.transaction(c -> {
      workflow.clear();
      buffer.scanPages(from, to, scope.includeMasterCalls(), scope.includeSlaveCalls(), page -> {
        stopIfInterrupted();
        int added = workflow.submitAll(page.matched(), WorkflowState.AWAITING_REPROCESS, false);
        progress.page(page.scanned(), page.matched().size(), added, page.matched().size() - added);
      });
      return null;
    });
  }

  static void stopIfInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("stopped: the recorder is shutting down");
    }
  }
}
