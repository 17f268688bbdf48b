package io.tandem.manager;

/**
 * A reprocess request or job look-up that cannot be served, with the HTTP status to answer: 404 unknown
 * recorder or job, 502 recorder unreachable or answering nonsense, or the recorder's own 400 or 409.
 */
public final class ReprocessRefusedException extends RuntimeException {
  private final int status;

  public ReprocessRefusedException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
