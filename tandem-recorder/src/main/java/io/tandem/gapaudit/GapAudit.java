package io.tandem.gapaudit;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.callbuffer.AuditCursor;
import io.tandem.workflow.Workflow;
import io.tandem.workflow.WorkflowState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The secondary's gap audit: every call it recorded as SLAVE that ended more than the grace period ago is
 * checked once against the call database by its correlation key; a missing one is reported and, when the
 * pair's policy says so, submitted to the Workflow as promoted so that it gets marked. Calls are audited in
 * start order behind a durable {@link AuditCursor}; a call still recording, or ended within the grace period,
 * holds back the calls that started after it, so none is skipped. A failed lookup or report leaves the cursor
 * where it was: the batch is audited again on the next pass, and a gap may then be reported twice, never
 * missed. At failover the new primary calls {@link #catchUp} before it promotes its window. Thread-safe: passes
 * run one at a time.
 */
public final class GapAudit {
  /** Calls per batch: one lookup of present keys each. */
  public static final int BATCH = 1000;

  /** Which correlation keys have an interaction in the call database. */
  @FunctionalInterface
  public interface KeyLookup {
    Set<String> present(Collection<String> keys) throws Exception;
  }

  /** Where a gap is reported (the call database's event log); a failure postpones the batch. */
  @FunctionalInterface
  public interface GapReport {
    void report(CallRecord call, boolean promoted) throws Exception;
  }

  private final AuditCursor cursor;
  private final Workflow workflow;
  private final KeyLookup keys;
  private final GapReport report;
  private final Clock clock;
  private final Duration grace;
  private final AtomicLong gaps = new AtomicLong();
  /** Set while a catch-up waits for a regular pass, which then stops after the batch it is auditing. */
  private volatile boolean catchUpWaiting;

  public GapAudit(AuditCursor cursor, Workflow workflow, KeyLookup keys, GapReport report, Clock clock,
      Duration grace) {
    this.cursor = Objects.requireNonNull(cursor, "cursor");
    this.workflow = Objects.requireNonNull(workflow, "workflow");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.report = Objects.requireNonNull(report, "report");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.grace = Objects.requireNonNull(grace, "grace");
  }

  /**
   * Audits every call that is due, batch by batch; returns the gaps found in this pass.
   *
   * @param promote whether a missing call is promoted (policy {@code promote}) or only reported
   * @throws Exception from the lookup or the report; the batch that failed stays due
   */
  public synchronized int run(boolean promote) throws Exception {
    Instant cutoff = clock.instant().minus(grace);
    int found = 0;
    while (!catchUpWaiting) {
      List<CallRecord> page = cursor.next(cutoff, BATCH);
      List<CallRecord> due = duePrefix(page, cutoff);
      if (due.isEmpty()) {
        return found;
      }
      found += audit(due, promote);
      if (due.size() < BATCH) {
        return found;
      }
    }
    return found;
  }

  /**
   * Audits at once, batch by batch, every call after the cursor that started and ended before
   * {@code windowStart}, whatever the grace period and whatever call is still recording: the audit of a
   * secondary that has just become primary, before it promotes the calls live in its rollback window. The
   * calls that started before the window but are still recording or ended in it are that promotion's, so the
   * cursor passes them unaudited. A regular pass in progress gives way after the batch it is auditing, and the
   * catch-up goes on from the cursor that batch left. Returns the gaps found.
   *
   * @param promote whether a missing call is promoted (policy {@code promote}) or only reported
   * @throws Exception from the lookup or the report; the batch that failed stays due
   */
  public int catchUp(Instant windowStart, boolean promote) throws Exception {
    catchUpWaiting = true;
    synchronized (this) {
      catchUpWaiting = false;
      return catchUpBatches(windowStart, promote);
    }
  }

  private int catchUpBatches(Instant windowStart, boolean promote) throws Exception {
    int found = 0;
    while (true) {
      List<CallRecord> page = cursor.next(windowStart, BATCH);
      if (page.isEmpty()) {
        return found;
      }
      List<CallRecord> ended = page.stream().filter(call -> call.end() != null && call.end().isBefore(windowStart))
          .toList();
      if (!ended.isEmpty()) {
        found += audit(ended, promote);
      }
      // The cursor passes the calls left to the promotion too, up to the last of the page.
      boolean lastAudited = !ended.isEmpty() && ended.getLast() == page.getLast();
      if (!lastAudited) {
        cursor.advance(page.getLast(), () -> {});
      }
      if (page.size() < BATCH) {
        return found;
      }
    }
  }

  /** Gaps found since this audit was made. */
  public long gapsFound() {
    return gaps.get();
  }

  private int audit(List<CallRecord> due, boolean promote) throws Exception {
    List<CallRecord> recordedAsSecondary = due.stream().filter(call -> call.callRole() == CallRole.SLAVE).toList();
    Set<String> present = recordedAsSecondary.isEmpty() ? Set.of()
        : keys.present(recordedAsSecondary.stream().map(CallRecord::correlationKey).distinct().toList());
    List<CallRecord> missing = recordedAsSecondary.stream()
        .filter(call -> !present.contains(call.correlationKey())).toList();
    for (CallRecord call : missing) {
      report.report(call, promote);
    }
    List<Inum> promoted = promote ? missing.stream().map(CallRecord::inum).toList() : List.of();
    cursor.advance(due.getLast(), () -> {
      if (!promoted.isEmpty()) {
        workflow.submitAll(promoted, WorkflowState.PENDING, true);
      }
    });
    gaps.addAndGet(missing.size());
    return missing.size();
  }

  /** The leading calls of the page that are finished and ended at or before the cutoff. */
  private static List<CallRecord> duePrefix(List<CallRecord> page, Instant cutoff) {
    int due = 0;
    while (due < page.size() && isDue(page.get(due), cutoff)) {
      due++;
    }
    return page.subList(0, due);
  }

  private static boolean isDue(CallRecord call, Instant cutoff) {
    return call.state() != CallState.RECORDING && call.end() != null && !call.end().isAfter(cutoff);
  }
}
