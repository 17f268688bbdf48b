package io.tandem.manager;

/**
 * A reprocess or Rebuild request, or a job look-up, that cannot be served, with the HTTP status to answer: 404 unknown
 * recorder or job, 502 recorder unreachable or answering nonsense, or the recorder's own 400 or 409.
 */
public final class JobRefusedException extends RuntimeException {
  private final int status;

  public JobRefusedException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
