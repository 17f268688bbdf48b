package io.tandem.capture.siprec;

import java.util.Objects;

/**
 * A request the recorder refuses, with the SIP status to answer, a reason phrase that says what was
 * expected, and a short kebab-case kind for counting refusals by reason (such as {@code no-audio}).
 */
public final class SiprecException extends Exception {
  /** No SDP offer in the request: nothing to record. */
  public static final String NO_SDP = "no-sdp";
  /** An SDP offer that cannot be read at all. */
  public static final String SDP_UNREADABLE = "sdp-unreadable";
  /** An SDP offer without any {@code m=audio} line. */
  public static final String NO_AUDIO = "no-audio";
  /** A body that cannot be split into its parts, or of a type that carries no SDP. */
  public static final String BODY_UNREADABLE = "body-unreadable";
  /** An SRTP stream without SDES keys a recorder can receive with: nothing of it could be recorded. */
  public static final String SRTP_UNUSABLE = "srtp-unusable";
  /** A request that is not an INVITE where one was expected. */
  public static final String NOT_AN_INVITE = "not-an-invite";

  private final int status;
  private final String kind;
  private final String reason;

  public SiprecException(int status, String kind, String reason) {
    super(status + " " + reason);
    if (status < 400 || status > 699) {
      throw new IllegalArgumentException("a refusal needs a status 400..699, got " + status);
    }
    this.status = status;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  /** The short kind of refusal, for counting by reason. */
  public String kind() {
    return kind;
  }

  public String reason() {
    return reason;
  }
}
