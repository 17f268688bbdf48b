package io.tandem.redundancy;

/** A failback asked for by hand cannot happen now; the message says why, the status how to answer (404, 409). */
public final class FailbackRefusedException extends RuntimeException {
  private final int status;

  public FailbackRefusedException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
