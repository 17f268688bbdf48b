package io.tandem.rebuild;

/** A job was refused because another one is running on the recorder; the message names the running job. */
public final class JobConflictException extends RuntimeException {
  public JobConflictException(String message) {
    super(message);
  }
}
