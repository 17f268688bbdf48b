package io.tandem.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * A recorder job as the admin API shows it: its id, kind, command, state, times, figures, and once it has
 * ended its summary line (DONE) or error (FAILED). Immutable snapshot.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobView(String id, JobKind kind, String command, JobState state, Instant startedAt,
    Instant finishedAt, JobFigures progress, String summary, String error) {

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
