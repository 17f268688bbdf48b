package io.tandem.admin;

/**
 * A request to a recorder's admin API that did not succeed. The message is one line for an administrator:
 * the recorder's own error line when it sent one, otherwise what went wrong and the recorder's address.
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

  /** True when no answer came at all: the recorder is down, unreachable or too slow. */
  public boolean unreachable() {
    return status == 0;
  }
}
