package io.tandem.workflow;

import io.tandem.archive.ArchiveLedger;
import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchivedCopy;
import io.tandem.archive.Archive;
import io.tandem.archive.ArchiveUnavailableException;
import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the archive rules to one batch of due ARCHIVING entries: each matching rule gets the call's media
 * copied and recorded in the ledger, then the entry is DONE. Copies and ledger records are idempotent, so an
 * entry cut off by a crash is simply archived again. A target that cannot take a copy now (an S3 endpoint down, an
 * upload refused or stored other than sent) leaves the entry and those after it to be tried again after a back-off;
 * a media file that cannot be copied at all fails its entry. Runs on the consolidation thread only.
 */
final class ArchivingStep {
  static final int BATCH = 1000;
  /** A run commits its DONE entries at least this often, so that progress is seen and kept while copying. */
  private static final long SLICE_NANOS = 250_000_000;
  private static final Logger LOG = LoggerFactory.getLogger(ArchivingStep.class);

  private final Workflow workflow;
  private final CallBuffer buffer;
  private final Path dataDir;
  private final Archive archive;
  private final ArchiveLedger ledger;
  private final RuleCache rules;
  private final Predicate<Throwable> retryable;
  private final ConsolidationCounters counters;

  ArchivingStep(Workflow workflow, CallBuffer buffer, Path dataDir, Archive archive, ArchiveLedger ledger,
      RuleCache rules, Predicate<Throwable> retryable, ConsolidationCounters counters) {
    this.workflow = workflow;
    this.buffer = buffer;
    this.dataDir = dataDir;
    this.archive = archive;
    this.ledger = ledger;
    this.rules = rules;
    this.retryable = retryable;
    this.counters = counters;
  }

  /** Archives promoted entries only when {@code promotedOnly}; returns whether there was anything to do. */
  boolean run(boolean promotedOnly) throws RetryLater {
    List<Inum> due = workflow.due(WorkflowState.ARCHIVING, BATCH, promotedOnly);
    if (due.isEmpty()) {
      return false;
    }
    List<ArchiveRule> inForce;
    try {
      inForce = rules.rules();
    } catch (SQLException e) {
      // Without the rules nothing can be decided; waiting is the safe side whatever the error.
      throw new RetryLater(due, e);
    }
    if (inForce.isEmpty()) {
      finishWithoutRules(due);
      return true;
    }
    Map<Inum, CallRecord> calls = buffer.find(due).stream()
        .collect(Collectors.toMap(CallRecord::inum, Function.identity()));
    long sliceEnd = System.nanoTime() + SLICE_NANOS;
    List<Inum> archived = new ArrayList<>();
    try {
      for (int i = 0; i < due.size() && (i == 0 || System.nanoTime() < sliceEnd); i++) {
        CallRecord call = calls.get(due.get(i));
        if (call == null) {
          fail(due.get(i), "call is not in the call buffer");
        } else if (archiveCall(call, inForce, due.subList(i, due.size()))) {
          archived.add(call.inum());
        }
      }
    } finally {
      // One commit for the whole slice; its copies are made and recorded already, so a crash before it
      // only archives them again, idempotently.
      workflow.advance(archived, WorkflowState.ARCHIVING, WorkflowState.DONE);
    }
    return true;
  }

  /** With no rule in force there is nothing to copy: the calls still in the buffer are DONE, in one commit. */
  private void finishWithoutRules(List<Inum> due) {
    Set<Inum> present = buffer.presentAmong(due);
    List<Inum> done = new ArrayList<>(present.size());
    for (Inum inum : due) {
      if (present.contains(inum)) {
        done.add(inum);
      } else {
        fail(inum, "call is not in the call buffer");
      }
    }
    workflow.advance(done, WorkflowState.ARCHIVING, WorkflowState.DONE);
  }

  /** Makes the call's copies; false when it failed instead. */
  private boolean archiveCall(CallRecord call, List<ArchiveRule> inForce, List<Inum> unfinished) throws RetryLater {
    for (ArchiveRule rule : inForce) {
      if (!rule.matches(call)) {
        continue;
      }
      try {
        ArchivedCopy copy = archive.copy(dataDir.resolve(call.mediaPath()), rule, call.inum(), call.start());
        ledger.recordArchived(call.inum(), copy);
        counters.addArchived();
      } catch (ArchiveUnavailableException e) {
        // The target may take it later (reached again, config fixed): the call waits rather than fails.
        LOG.warn("call {} waits to be archived: archive rule '{}': {}", call.inum(), rule.name(), e.getMessage());
        throw new RetryLater(unfinished, e);
      } catch (IOException e) {
        fail(call.inum(), "archive rule '" + rule.name() + "' could not copy the media: " + e.getMessage());
        return false;
      } catch (SQLException e) {
        if (retryable.test(e)) {
          throw new RetryLater(unfinished, e);
        }
        fail(call.inum(), "archive rule '" + rule.name() + "' could not record the copy: " + e.getMessage());
        return false;
      }
    }
    return true;
  }

  private void fail(Inum inum, String reason) {
    LOG.warn("call {} failed archiving: {}", inum, reason);
    workflow.fail(inum, reason);
    counters.addFailed();
  }
}
