package io.tandem.gapaudit;

import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.callbuffer.AuditCursor;
import io.tandem.database.LinkResult;
import io.tandem.workflow.MediaVerdict;
import io.tandem.workflow.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The secondary's gap audit. Every call of this recorder that ended more than the grace period ago (recorded
 * as secondary, or as primary before the recorder became secondary) is linked once, in batches, to the
 * interaction of its conversation in the call database under the recorder's fence, so that every copy of both
 * recorders ends up linked and the best copy is chosen among all of them. A call whose conversation has no
 * interaction is a gap: it is reported and, when the pair's policy says so, promoted (submitted to the
 * Workflow so that it gets marked). A call none of whose media reached the disk is linked as a copy that holds
 * nothing ({@link CallRecord#withoutMedia}); a call whose media fails the check otherwise is looked up but never
 * linked. Workflow entries of audited calls that this recorder left PENDING and unpromoted when it was primary
 * (calls it submitted then, or that a kill -9 cut off then) are settled with the cursor's move: DONE once the call
 * is a copy in the call database, FAILED when its media is unsound; a gap's entry is promoted or, under the report
 * policy, left for when this recorder is primary again.
 *
 * <p>Calls are audited in start order behind a durable {@link AuditCursor}; a call still recording, or ended
 * within the grace period, holds back the calls that started after it, so none is skipped. A failed link
 * (the database is down, or the fence is stale: nothing is then linked) or report leaves the cursor where it
 * was: the batch is audited again on the next pass, linking is idempotent, and a gap may be reported twice,
 * never missed. At failover the new primary calls {@link #catchUp} before it promotes its window; the calls the
 * catch-up passes unaudited are held back and audited once due, wherever the cursor is then.
 * Thread-safe: passes run one at a time.
 */
public final class GapAudit {
  /** Calls per batch: one linking transaction each. */
  public static final int BATCH = 1000;

  /** Links a batch of this recorder's calls in the call database, under the recorder's current fence. */
  @FunctionalInterface
  public interface CopyLinks {
    /** Links every call but those in {@code lookUpOnly}; says which calls have no interaction. */
    LinkResult link(List<CallRecord> calls, Set<Inum> lookUpOnly) throws Exception;
  }

  /** Whether a call's media is sound, absent altogether, or unsound. */
  @FunctionalInterface
  public interface MediaCheck {
    MediaVerdict verdict(CallRecord call);
  }

  /** Where a gap is reported (the call database's event log); a failure postpones the batch. */
  @FunctionalInterface
  public interface GapReport {
    void report(CallRecord call, boolean promoted) throws Exception;
  }

  private final AuditCursor cursor;
  private final Workflow workflow;
  private final CopyLinks links;
  private final MediaCheck media;
  private final GapReport report;
  private final Clock clock;
  private final Duration grace;
  private final AtomicLong gaps = new AtomicLong();
  /** Set while a catch-up waits for a regular pass, which then stops after the batch it is auditing. */
  private volatile boolean catchUpWaiting;
  private final AtomicLong linked = new AtomicLong();

  public GapAudit(AuditCursor cursor, Workflow workflow, CopyLinks links, MediaCheck media, GapReport report,
      Clock clock, Duration grace) {
    this.cursor = Objects.requireNonNull(cursor, "cursor");
    this.workflow = Objects.requireNonNull(workflow, "workflow");
    this.links = Objects.requireNonNull(links, "links");
    this.media = Objects.requireNonNull(media, "media");
    this.report = Objects.requireNonNull(report, "report");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.grace = Objects.requireNonNull(grace, "grace");
  }

  /**
   * Audits every call that is due, batch by batch; returns the gaps found in this pass.
   *
   * @param promote whether a missing call is promoted (policy {@code promote}) or only reported
   * @throws Exception from linking or the report; the batch that failed stays due
   */
  public synchronized int run(boolean promote) throws Exception {
    Instant cutoff = clock.instant().minus(grace);
    int found = auditHeldBack(cutoff, promote);
    while (!catchUpWaiting) {
      List<CallRecord> page = cursor.next(cutoff, BATCH);
      List<CallRecord> due = duePrefix(page, cutoff);
      if (due.isEmpty()) {
        return found;
      }
      found += audit(due, promote, alongside -> cursor.advance(due.getLast(), alongside));
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
   * cursor passes them unaudited and holds them back: each is audited by a regular pass once it is due, so that
   * none is skipped if the promotion is cut short or this recorder is secondary again before the call ends.
   * Calls held back by an earlier catch-up that ended before the window are audited first. A regular pass in
   * progress gives way after the batch it is auditing, and the catch-up goes on from the cursor that batch left.
   * Returns the gaps found.
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
    int found = auditHeldBack(windowStart.minusNanos(1), promote);
    while (true) {
      List<CallRecord> page = cursor.next(windowStart, BATCH);
      if (page.isEmpty()) {
        return found;
      }
      List<CallRecord> ended = page.stream().filter(call -> call.end() != null && call.end().isBefore(windowStart))
          .toList();
      Set<Inum> audited = ended.stream().map(CallRecord::inum).collect(java.util.stream.Collectors.toSet());
      List<Inum> passed = page.stream().map(CallRecord::inum).filter(inum -> !audited.contains(inum)).toList();
      // The cursor moves to the last of the page, holding back the calls left to the promotion.
      Consumer<Runnable> move = alongside -> cursor.advance(page.getLast(), () -> {
        alongside.run();
        cursor.holdBack(passed);
      });
      if (ended.isEmpty()) {
        move.accept(() -> {});
      } else {
        found += audit(ended, promote, move);
      }
      if (page.size() < BATCH) {
        return found;
      }
    }
  }

  /** Audits the calls held back that ended at or before {@code endedBy}, releasing each batch audited. */
  private int auditHeldBack(Instant endedBy, boolean promote) throws Exception {
    int found = 0;
    while (true) {
      List<CallRecord> held = cursor.heldBack(endedBy, BATCH);
      if (held.isEmpty()) {
        return found;
      }
      found += audit(held, promote, alongside -> cursor.release(held, alongside));
      if (held.size() < BATCH) {
        return found;
      }
    }
  }

  /** Gaps found since this audit was made. */
  public long gapsFound() {
    return gaps.get();
  }

  /** Copies this audit linked to their interactions since it was made. */
  public long copiesLinked() {
    return linked.get();
  }

  /**
   * Audits one batch of due calls, in start order: links them, reports the gaps, then commits the batch with
   * {@code commit} (the cursor moved on, or the held-back calls released), which runs the Workflow's changes in
   * its transaction.
   */
  private int audit(List<CallRecord> due, boolean promote, Consumer<Runnable> commit) throws Exception {
    Map<Inum, String> unsound = new HashMap<>();
    List<CallRecord> copies = new ArrayList<>(due.size());
    for (CallRecord call : due) {
      MediaVerdict verdict = media.verdict(call);
      if (verdict.kind() == MediaVerdict.Kind.UNSOUND) {
        unsound.put(call.inum(), verdict.reason());
      }
      copies.add(verdict.kind() == MediaVerdict.Kind.NONE ? call.withoutMedia() : call);
    }
    LinkResult result = links.link(copies, Set.copyOf(unsound.keySet()));
    Set<Inum> missingInums = new HashSet<>(result.missing());
    List<CallRecord> missing = due.stream().filter(call -> missingInums.contains(call.inum())).toList();
    for (CallRecord call : missing) {
      report.report(call, promote);
    }
    List<Inum> promoted = promote ? missing.stream().map(CallRecord::inum).toList() : List.of();
    // What the Workflow still holds of these calls from a time as primary is settled by this audit: a secondary
    // never consolidates it, and retention keeps every call whose entry is PENDING.
    List<Inum> copiesNow = due.stream().map(CallRecord::inum)
        .filter(inum -> !missingInums.contains(inum) && !unsound.containsKey(inum)).toList();
    unsound.keySet().removeAll(missingInums);
    commit.accept(() -> {
      if (!promoted.isEmpty()) {
        workflow.promote(promoted);
      }
      workflow.settleUnpromoted(copiesNow, unsound);
    });
    linked.addAndGet(result.linked());
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
