package io.tandem.shell;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * A recorder job as {@code GET /api/jobs/{id}} shows it: state RUNNING, DONE or FAILED, progress,
 * and when it ended a summary line or an error. Immutable.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobView(String id, String kind, String command, String state, Instant startedAt,
    Instant finishedAt, Progress progress, String summary, String error) {

  /** Whether the job has ended, DONE or FAILED; a state this shell does not know counts as still going. */
  public boolean ended() {
    return done() || "FAILED".equals(state);
  }

  public boolean done() {
    return "DONE".equals(state);
  }

  /** How far a rebuild got; {@code total} is the number of calls the scan will look at, 0 when unknown. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Progress(long scanned, long total, long matched, long added, long alreadyPresent) {
    public static final Progress NONE = new Progress(0, 0, 0, 0, 0);

    /** Percent of the scan done, or -1 when the total is unknown. */
    public int percent() {
      return total <= 0 ? -1 : (int) Math.min(100, scanned * 100 / total);
    }
  }
}
