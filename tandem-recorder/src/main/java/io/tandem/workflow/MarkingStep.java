package io.tandem.workflow;

import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.database.CallMarker;
import io.tandem.database.Fence;
import io.tandem.database.FencedException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consolidates one batch of due PENDING entries: checks each call's media, marks the sound ones through the
 * call marker under the current fence (and, as copies that hold nothing, those none of whose media reached the
 * disk), and moves them on only after the marking committed: to ARCHIVING, or straight to DONE while no archive
 * rule is in force, as archiving would then have nothing to apply (the call was just read from the buffer), and
 * for a copy that holds nothing.
 *
 * <p>The marking pipeline, in one place. Its threads:
 * <ol>
 *   <li>the marking thread ({@code consolidator-marking}), the only one that runs this class: it reads a
 *       batch (or takes the one read ahead), marks it, and starts its move;
 *   <li>the read ahead ({@code consolidator-read-ahead}, at most one): while a full batch is being marked
 *       (a backlog), the next one is read from the Workflow and the call buffer by {@link BatchReader}, which
 *       checks the media of each quarter of a large read on a thread of its own
 *       ({@code consolidator-media-check}) while it reads the next quarter;
 *   <li>the move ({@code consolidator-advance}, at most one): a marked batch's move out of PENDING, committing
 *       while the next batch is marked;
 *   <li>in the call database, the second half of a large batch of the primary's own calls
 *       ({@code call-marking-half}): the batch is split by correlation key into two transactions marked at
 *       once on two connections, and is marked only when both have committed.
 * </ol>
 * The invariants between them:
 * <ul>
 *   <li>Reading changes nothing; only the marking thread starts, takes and drops the read ahead and the move.
 *   <li>A batch's move starts only after its marking committed, and only once the move before it has finished
 *       and been reported (counters, listener); that report also comes before any fresh read, and at the
 *       latest in the next run. A crash in between leaves the batch PENDING, and it is marked again,
 *       idempotently; so is a batch whose half failed while the other half committed.
 *   <li>A read ahead leaves out the batch being marked and the batch still being moved: both are PENDING
 *       until their move commits, but neither is due again.
 *   <li>The Workflow's departures counter is read before every read: if any entry left PENDING otherwise than
 *       by this step's own move since (a Rebuild Full, a failure), the batch keeps only the entries still
 *       PENDING, looked up again.
 *   <li>The fence is read before the role, and a demoted recorder clears the role before it learns the new
 *       epoch, so a batch of non-promoted entries is never marked under an epoch in which the recorder is
 *       secondary. A refused fence stops marking until a new one is known; what was read ahead is dropped.
 *   <li>After a retryable failure the step backs off and what was read ahead is dropped: it would be old by
 *       the time it is marked.
 * </ul>
 * Runs on the marking thread only; {@link #discardNext} when that thread has stopped.
 */
final class MarkingStep {
  static final int DEFAULT_BATCH = 5000;
  /** How long a call still recording waits before it is looked at again. */
  static final Duration RECORDING_RECHECK = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(MarkingStep.class);

  private final Workflow workflow;
  private final BatchReader reader;
  private final CallMarker marker;
  private final Supplier<Fence> fences;
  private final Predicate<Throwable> retryable;
  private final ConsolidationListener listener;
  private final ConsolidationCounters counters;
  private final RuleCache rules;
  private final Clock clock;
  private final int batchSize;
  private volatile Fence refusedFence;
  /** The next batch being read while the current one is marked, or null. */
  private FutureTask<Batch> next;
  /** The batch marked last, being moved on while the next one is marked, or null. */
  private Advance advancing;

  MarkingStep(Workflow workflow, CallBuffer buffer, MediaCheck mediaCheck, UnaryOperator<CallRecord> decoding,
      CallMarker marker,
      Supplier<Fence> fences, Predicate<Throwable> retryable, ConsolidationListener listener,
      ConsolidationCounters counters, RuleCache rules, Clock clock, int batch) {
    this.batchSize = batch;
    this.workflow = workflow;
    this.reader = new BatchReader(workflow, buffer, mediaCheck, decoding);
    this.marker = marker;
    this.fences = fences;
    this.retryable = retryable;
    this.listener = listener;
    this.counters = counters;
    this.rules = rules;
    this.clock = clock;
  }

  /** Lets marking resume under the same fence that was refused before (the role was granted again). */
  void forgetRefusal() {
    refusedFence = null;
  }

  /**
   * Consolidates promoted entries only when {@code promotedOnly} says so; returns whether there was anything
   * to do. The fence is read before the flag, so a demotion (flag first, epoch second) is never missed.
   */
  boolean run(BooleanSupplier promotedOnly) throws RetryLater {
    Fence fence = fences.get();
    // No epoch learned yet, or the epoch was refused: marking waits for a new fence.
    if (fence == null || fence.equals(refusedFence)) {
      discardNext();
      return false;
    }
    boolean onlyPromoted = promotedOnly.getAsBoolean();
    Batch batch = takeNext(onlyPromoted);
    boolean finishedAdvance = false;
    if (batch == null) {
      // A fresh read would take the entries of a batch still being moved for due ones.
      finishedAdvance = finishAdvance();
      batch = reader.read(batchSize, onlyPromoted, Set.of());
    }
    // The entries were read from a snapshot: if anything may have left PENDING since, they are looked up.
    if (workflow.departedSince(batch.departures())) {
      batch = batch.stillPending(workflow.inStateAmong(batch.due(), WorkflowState.PENDING));
    }
    if (batch.due().isEmpty()) {
      return finishedAdvance;
    }
    batch.failures().forEach(this::fail);
    if (!batch.recording().isEmpty()) {
      workflow.postpone(batch.recording(), clock.instant().plus(RECORDING_RECHECK));
    }
    if (batch.due().size() >= batchSize) {
      // A full batch means a backlog: reading the next one while this one is marked pays. Below that, a
      // batch read ahead would miss the calls that end meanwhile and make them wait a cycle longer.
      startReadingNext(onlyPromoted, batch.due());
    }
    if (!batch.sound().isEmpty()) {
      try {
        markBatch(fence, batch.sound());
      } catch (RetryLater e) {
        // The step backs off now; what was read ahead would be old by the time it is marked.
        discardNext();
        throw e;
      }
    }
    return true;
  }

  /**
   * Waits for the batch being read ahead, if any, and drops it; finishes moving the batch marked last, if
   * any, and reports it.
   */
  void discardNext() {
    try {
      finishAdvance();
    } catch (RuntimeException e) {
      LOG.warn("moving a marked batch on failed; its entries stay PENDING to be marked again: {}",
          e.toString());
    } finally {
      dropNext();
    }
  }

  private void dropNext() {
    FutureTask<Batch> pending = next;
    next = null;
    if (pending != null) {
      try {
        pending.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // It was only read ahead; the entries are read again.
      }
    }
  }

  /**
   * The batch read ahead, when there is one and it was read for the same role or a narrower one (promoted
   * entries only); null otherwise. An empty batch read ahead says nothing about now, so it is not used.
   */
  private Batch takeNext(boolean promotedOnly) {
    FutureTask<Batch> pending = next;
    next = null;
    if (pending == null) {
      return null;
    }
    Batch batch;
    try {
      batch = pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
    }
    boolean roleAllows = batch.promotedOnly() || !promotedOnly;
    return roleAllows && !batch.due().isEmpty() ? batch : null;
  }

  private void startReadingNext(boolean promotedOnly, List<Inum> inFlight) {
    Set<Inum> exclude = new HashSet<>(inFlight);
    // The batch marked last may still be PENDING until its move commits; it is not due again.
    if (advancing != null) {
      exclude.addAll(advancing.inums());
    }
    FutureTask<Batch> task = new FutureTask<>(() -> reader.read(batchSize, promotedOnly, exclude, true));
    Thread.ofVirtual().name("consolidator-read-ahead").start(task);
    next = task;
  }

  private void markBatch(Fence fence, List<CallRecord> calls) throws RetryLater {
    try {
      marker.mark(fence, calls);
      startAdvance(calls);
    } catch (FencedException e) {
      refused(fence, e);
    } catch (Exception e) {
      if (retryable.test(e)) {
        throw new RetryLater(inums(calls), e);
      }
      LOG.warn("marking a batch of {} calls failed fatally, marking them one by one: {}", calls.size(), e.toString());
      markOneByOne(fence, calls);
    }
  }

  private void markOneByOne(Fence fence, List<CallRecord> calls) throws RetryLater {
    for (int i = 0; i < calls.size(); i++) {
      CallRecord call = calls.get(i);
      try {
        marker.mark(fence, List.of(call));
        marked(List.of(call));
      } catch (FencedException e) {
        refused(fence, e);
        return;
      } catch (Exception e) {
        if (retryable.test(e)) {
          throw new RetryLater(inums(calls.subList(i, calls.size())), e);
        }
        fail(call.inum(), "marking failed: " + e);
      }
    }
  }

  /** A batch's move out of PENDING, committing on a thread of its own. */
  private record Advance(List<Inum> inums, FutureTask<Void> moved) {}

  /** Moves the marked calls out of PENDING on a thread of its own, once the move before has finished. */
  private void startAdvance(List<CallRecord> calls) {
    finishAdvance();
    List<Inum> inums = inums(calls);
    WorkflowState target = afterMarking();
    FutureTask<Void> moved = new FutureTask<>(() -> advance(calls, target), null);
    Thread.ofVirtual().name("consolidator-advance").start(moved);
    advancing = new Advance(inums, moved);
  }

  /**
   * Waits until the batch marked last, if any, is moved on, and reports it; returns whether there
   * was one. A failed move leaves its entries PENDING, to be marked again.
   */
  private boolean finishAdvance() {
    Advance pending = advancing;
    advancing = null;
    if (pending == null) {
      return false;
    }
    try {
      pending.moved().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
    }
    reportMarked(pending.inums());
    return true;
  }

  private void marked(List<CallRecord> calls) {
    advance(calls, afterMarking());
    reportMarked(inums(calls));
  }

  /** Moves marked calls out of PENDING to {@code target}; a copy that holds no media has nothing to archive. */
  private void advance(List<CallRecord> calls, WorkflowState target) {
    if (target == WorkflowState.DONE || calls.stream().noneMatch(MarkingStep::holdsNothing)) {
      workflow.advance(inums(calls), WorkflowState.PENDING, target);
      return;
    }
    workflow.advance(inums(calls.stream().filter(call -> !holdsNothing(call)).toList()), WorkflowState.PENDING,
        target);
    workflow.advance(inums(calls.stream().filter(MarkingStep::holdsNothing).toList()), WorkflowState.PENDING,
        WorkflowState.DONE);
  }

  private static boolean holdsNothing(CallRecord call) {
    return call.quirks().contains(CallRecord.NO_MEDIA);
  }

  /**
   * Where a marked call goes: DONE while no archive rule is in force, ARCHIVING otherwise, and also when the
   * rules cannot be read (the archiving step waits for them). The rules are as old as for the archiving
   * step: both read them at most once per time-to-live.
   */
  private WorkflowState afterMarking() {
    try {
      return rules.rules().isEmpty() ? WorkflowState.DONE : WorkflowState.ARCHIVING;
    } catch (SQLException e) {
      return WorkflowState.ARCHIVING;
    }
  }

  private void reportMarked(List<Inum> inums) {
    counters.addMarked(inums.size());
    try {
      listener.onMarked(inums);
    } catch (RuntimeException e) {
      LOG.warn("a consolidation listener failed on marked calls: {}", e.toString());
    }
  }

  private void refused(Fence fence, FencedException refusal) {
    refusedFence = fence;
    LOG.warn("marking stopped: {}", refusal.getMessage());
    try {
      listener.onFenced(refusal);
    } catch (RuntimeException e) {
      LOG.warn("a consolidation listener failed on a fencing refusal: {}", e.toString());
    }
  }

  private void fail(Inum inum, String reason) {
    LOG.warn("call {} failed consolidation: {}", inum, reason);
    workflow.fail(inum, reason);
    counters.addFailed();
  }

  private static List<Inum> inums(List<CallRecord> calls) {
    return calls.stream().map(CallRecord::inum).toList();
  }
}
