package io.tandem.rebuild;

import io.tandem.admin.JobState;
import io.tandem.admin.JobKind;
import io.tandem.admin.JobView;
import io.tandem.admin.JobFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** One job of a {@link JobRunner}: fixed facts, live progress, and an end set once. Thread-safe. */
final class Job {
  final String id;
  final JobKind kind;
  final String label;
  final String command;
  final String actor;
  final Instant startedAt;
  final Instant callsFrom;
  final Instant callsTo;
  final JobProgress progress = new JobProgress();
  private JobState state = JobState.RUNNING;
  private Instant finishedAt;
  private String summary;
  private String error;

  /** {@code callsFrom}, {@code callsTo}: the starts of the calls it may mark, each null when it has no bound. */
  Job(String id, JobKind kind, String label, String command, String actor, Instant startedAt, Instant callsFrom,
      Instant callsTo) {
    this.id = id;
    this.kind = kind;
    this.label = label;
    this.command = command;
    this.actor = actor;
    this.startedAt = startedAt;
    this.callsFrom = callsFrom;
    this.callsTo = callsTo;
  }

  synchronized void succeed(Instant at) {
    finishedAt = at;
    summary = summaryLine(Duration.between(startedAt, at));
    state = JobState.DONE;
  }

  synchronized void fail(Instant at, String message) {
    finishedAt = at;
    error = message;
    state = JobState.FAILED;
  }

  synchronized boolean running() {
    return state == JobState.RUNNING;
  }

  /** What the audit trail keeps as the job's result. */
  synchronized String result() {
    return state == JobState.FAILED ? label + " failed: " + error : summary;
  }

  synchronized JobView view() {
    return new JobView(id, kind, command, state, startedAt, finishedAt, progress.snapshot(), summary, error, callsFrom,
        callsTo);
  }

  private String summaryLine(Duration took) {
    JobFigures p = progress.snapshot();
    double seconds = took.toMillis() / 1000.0;
    if (kind == JobKind.REPROCESS) {
      return String.format(Locale.ROOT, "%s done: scanned %d, reprocessed %d, in %.1f s", label, p.scanned(),
          p.matched(), seconds);
    }
    return String.format(Locale.ROOT, "%s done: scanned %d, matched %d, added %d, already present %d, in %.1f s",
        label, p.scanned(), p.matched(), p.added(), p.alreadyPresent(), seconds);
  }
}
