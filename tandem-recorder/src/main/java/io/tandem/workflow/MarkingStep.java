package io.tandem.workflow;

import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.database.CallMarker;
import io.tandem.database.Fence;
import io.tandem.database.FencedException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consolidates one batch of due PENDING entries: checks each call's media, marks the sound ones through the
 * call marker under the current fence, and moves them to ARCHIVING only after the marking committed. Runs on
 * the consolidation thread only.
 */
final class MarkingStep {
  static final int BATCH = 1000;
  /** How long a call still recording waits before it is looked at again. */
  static final Duration RECORDING_RECHECK = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(MarkingStep.class);

  private final Workflow workflow;
  private final CallBuffer buffer;
  private final MediaCheck mediaCheck;
  private final CallMarker marker;
  private final Supplier<Fence> fences;
  private final Predicate<Throwable> retryable;
  private final ConsolidationListener listener;
  private final ConsolidationCounters counters;
  private final Clock clock;
  private volatile Fence refusedFence;

  MarkingStep(Workflow workflow, CallBuffer buffer, MediaCheck mediaCheck, CallMarker marker,
      Supplier<Fence> fences, Predicate<Throwable> retryable, ConsolidationListener listener,
      ConsolidationCounters counters, Clock clock) {
    this.workflow = workflow;
    this.buffer = buffer;
    this.mediaCheck = mediaCheck;
    this.marker = marker;
    this.fences = fences;
    this.retryable = retryable;
    this.listener = listener;
    this.counters = counters;
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
      return false;
    }
    List<Inum> due = workflow.due(WorkflowState.PENDING, BATCH, promotedOnly.getAsBoolean());
    if (due.isEmpty()) {
      return false;
    }
    List<CallRecord> sound = soundCalls(due);
    if (!sound.isEmpty()) {
      markBatch(fence, sound);
    }
    return true;
  }

  private List<CallRecord> soundCalls(List<Inum> due) {
    Map<Inum, CallRecord> calls = buffer.find(due).stream()
        .collect(Collectors.toMap(CallRecord::inum, Function.identity()));
    List<CallRecord> sound = new ArrayList<>(due.size());
    List<Inum> recording = new ArrayList<>();
    for (Inum inum : due) {
      CallRecord call = calls.get(inum);
      if (call == null) {
        fail(inum, "call is not in the call buffer");
      } else if (call.state() == CallState.RECORDING) {
        recording.add(inum);
      } else {
        Optional<String> problem = mediaCheck.problem(call);
        if (problem.isPresent()) {
          fail(inum, problem.get());
        } else {
          sound.add(call);
        }
      }
    }
    if (!recording.isEmpty()) {
      workflow.postpone(recording, clock.instant().plus(RECORDING_RECHECK));
    }
    return sound;
  }

  private void markBatch(Fence fence, List<CallRecord> calls) throws RetryLater {
    try {
      marker.mark(fence, calls);
      marked(calls);
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

  private void marked(List<CallRecord> calls) {
    List<Inum> inums = inums(calls);
    workflow.advance(inums, WorkflowState.PENDING, WorkflowState.ARCHIVING);
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
