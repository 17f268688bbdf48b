package io.tandem.rebuild;

import io.tandem.callbuffer.CallBuffer;
import io.tandem.workflow.Workflow;
import java.time.Instant;
import java.util.Objects;

/**
 * Reprocesses a call date range: every Workflow entry whose call starts in {@code [from, to)} goes back to
 * PENDING, promoted, so it is consolidated again even on a secondary; entries being consolidated are only
 * promoted. Marking is idempotent, so a rerun (after a crash, too) changes nothing in the call database but
 * the copies' media figures. Commits one chunk at a time. Not thread-safe: one job at a time.
 */
public final class Reprocess {
  private final CallBuffer buffer;
  private final Workflow workflow;

  public Reprocess(CallBuffer buffer, Workflow workflow) {
    this.buffer = Objects.requireNonNull(buffer, "buffer");
    this.workflow = Objects.requireNonNull(workflow, "workflow");
  }

  public void run(Instant fromInclusive, Instant toExclusive, JobProgress progress) {
    progress.total(buffer.count(fromInclusive, toExclusive));
    buffer.scanPages(fromInclusive, toExclusive, true, true, page -> {
      Rebuild.stopIfInterrupted();
      int moved = workflow.reprocess(page.matched());
      progress.page(page.scanned(), moved, 0, 0);
    });
  }
}
