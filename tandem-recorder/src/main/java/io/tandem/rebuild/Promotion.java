package io.tandem.rebuild;

import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.workflow.Workflow;
import io.tandem.workflow.WorkflowState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The promotion a new primary runs at failover: a Rebuild Fix of every call of the range (master and slave
 * calls), then a wait until each finished call of the range has left PENDING, so that the job ends when the
 * promoted calls are in the call database. Calls still recording are consolidated when they end. Idempotent:
 * a rerun adds only what is missing. Not thread-safe: run by the {@link JobRunner}, one job at a time.
 */
final class Promotion {
  /** How often the wait looks at the Workflow again. */
  static final long POLL_MILLIS = 20;

  private final Rebuild rebuild;
  private final CallBuffer buffer;
  private final Workflow workflow;

  Promotion(Rebuild rebuild, CallBuffer buffer, Workflow workflow) {
    this.rebuild = Objects.requireNonNull(rebuild, "rebuild");
    this.buffer = Objects.requireNonNull(buffer, "buffer");
    this.workflow = Objects.requireNonNull(workflow, "workflow");
  }

  /** Promotes {@code [from, to)}; fails as soon as {@code current} says the epoch it was ordered at is gone. */
  void run(Instant from, Instant to, BooleanSupplier current, JobProgress progress) throws InterruptedException {
    rebuild.run(new RebuildScope(false, true, true, from, to), to, progress);
    List<Inum> range = buffer.scan(from, to, true, true);
    while (!consolidated(range)) {
      if (!current.getAsBoolean()) {
        throw new IllegalStateException("the recorder is no longer the primary of the epoch this promotion was "
            + "ordered at");
      }
      Rebuild.stopIfInterrupted();
      Thread.sleep(POLL_MILLIS);
    }
  }

  private boolean consolidated(List<Inum> range) {
    Set<Inum> pending = workflow.inStateAmong(range, WorkflowState.PENDING);
    if (pending.isEmpty()) {
      return true;
    }
    for (CallRecord call : buffer.find(pending)) {
      if (call.state() != CallState.RECORDING) {
        return false;
      }
    }
    return true;
  }
}
