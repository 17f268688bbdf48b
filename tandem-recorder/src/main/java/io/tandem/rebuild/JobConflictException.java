package io.tandem.rebuild;

/**
 * A job was refused because another one is running on the recorder, or because the recorder is not in the
 * role and epoch the job was ordered for; the message says which.
 */
public final class JobConflictException extends RuntimeException {
  public JobConflictException(String message) {
    super(message);
  }
}
