package io.tandem.capture.siprec;

/**
 * A SIPREC offer the recorder refuses, with the SIP status to answer and a reason phrase that says
 * what was expected.
 */
public final class SiprecException extends Exception {
  private final int status;
  private final String reason;

  public SiprecException(int status, String reason) {
    super(status + " " + reason);
    if (status < 400 || status > 699) {
      throw new IllegalArgumentException("a refusal needs a status 400..699, got " + status);
    }
    this.status = status;
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }
}
