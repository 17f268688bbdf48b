package io.tandem.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * A recorder job as the admin API shows it: its id, kind, command, state, times, figures, once it has ended its
 * summary line (DONE) or error (FAILED), and the starts of the calls it may mark. Immutable snapshot.
 *
 * @param callsFrom the earliest start of a call the job may mark, or null when it has none (a Rebuild marks what its
 *     call buffer holds; a promotion also calls that began before its window)
 * @param callsTo the start before which every call the job may mark began, or null when it has none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobView(String id, JobKind kind, String command, JobState state, Instant startedAt,
    Instant finishedAt, JobFigures progress, String summary, String error, Instant callsFrom, Instant callsTo) {

  /**
   * Whether the job, while it runs, may mark calls that start in {@code [from, to]}: one that has ended marks none;
   * a running one without a bound (or from a recorder that sends none) may mark any.
   */
  public boolean mayMarkCallsStarting(Instant from, Instant to) {
    if (ended()) {
      return false;
    }
    return (callsFrom == null || !callsFrom.isAfter(to)) && (callsTo == null || callsTo.isAfter(from));
  }

  /** Whether the job has ended, DONE or FAILED. */
  public boolean ended() {
    return state != JobState.RUNNING;
  }

  public boolean done() {
    return state == JobState.DONE;
  }

  /** The figures, or {@link JobFigures#NONE} when the recorder sent none. */
  public JobFigures figures() {
    return progress == null ? JobFigures.NONE : progress;
  }
}
