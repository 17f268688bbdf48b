package io.tandem.shell;

/**
 * A request to a recorder's admin API that did not succeed. The message is one line for the
 * administrator: the recorder's own error line when it sent one, otherwise what went wrong and the URL.
 */
public final class RecorderException extends RuntimeException {
  private final int status;

  public RecorderException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status the recorder answered, or 0 when no answer came. */
  public int status() {
    return status;
  }
}
