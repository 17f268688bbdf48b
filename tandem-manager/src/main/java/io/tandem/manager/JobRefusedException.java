package io.tandem.manager;

import java.util.Objects;

/**
 * A reprocess or Rebuild that cannot be started, or a job whose state cannot be read now; {@link #reason()} says why,
 * the message in words.
 */
public final class JobRefusedException extends RuntimeException {
  /** Why a job was refused. */
  public enum Reason {
    /** The command is not a WorkflowShell Rebuild the shell's grammar takes. */
    MALFORMED_COMMAND,
    /** No registered recorder has the serial asked for. */
    NO_SUCH_RECORDER,
    /** The recorder's admin API does not answer. */
    RECORDER_UNREACHABLE,
    /** The recorder found the request malformed. */
    RECORDER_REFUSED,
    /** The recorder cannot take the job now: another runs, or it is not the pair's primary. */
    RECORDER_BUSY,
    /** The recorder answered something no job can be read from. */
    RECORDER_FAULT
  }

  private final Reason reason;

  public JobRefusedException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
