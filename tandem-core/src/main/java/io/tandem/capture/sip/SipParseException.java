package io.tandem.capture.sip;

/** Bytes that are not a well-formed SIP message, SDP or multipart body; the message says what was expected. */
public final class SipParseException extends Exception {
  public SipParseException(String message) {
    super(message);
  }
}
