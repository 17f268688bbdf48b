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
 * The promotion a new primary runs at failover. First the gap audit catches up with every call that started
 * and ended before the window; then a Fix (master and slave calls) of every call live at some moment of the
 * window: started before its end, and ended at or after its start or still recording, so that a long
 * conversation that began before the window and ended while the failure went undetected is promoted too.
 * Then a wait until each finished call of the window has left PENDING, so that the job ends when the
 * promoted calls are in the call database; calls still recording are consolidated when they end.
 * Idempotent: a rerun adds only what is missing. Not thread-safe: run by the {@link JobRunner}, one job at
 * a time.
 */
final class Promotion {
  /** How often the wait looks at the Workflow again. */
  static final long POLL_MILLIS = 20;

  private final Rebuild rebuild;
  private final CallBuffer buffer;
  private final Workflow workflow;
  private final GapCatchUp catchUp;

  Promotion(Rebuild rebuild, CallBuffer buffer, Workflow workflow, GapCatchUp catchUp) {
    this.rebuild = Objects.requireNonNull(rebuild, "rebuild");
    this.buffer = Objects.requireNonNull(buffer, "buffer");
    this.workflow = Objects.requireNonNull(workflow, "workflow");
    this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
  }

  /**
   * Promotes the window {@code [from, to)}; fails as soon as {@code current} says the epoch it was ordered at
   * is gone, or when the gap audit's catching up fails.
   */
  void run(Instant from, Instant to, BooleanSupplier current, JobProgress progress) throws Exception {
    catchUp.upTo(from);
    rebuild.fixLive(from, to, progress);
    List<Inum> live = buffer.scanLive(from, to);
    while (!consolidated(live)) {
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
