package io.tandem.capture.sip;

import java.util.Objects;

/** The CSeq header of a SIP message: a sequence number and the method it belongs to. Immutable. */
public record CSeq(long number, String method) {
  public CSeq {
    Objects.requireNonNull(method, "method");
    if (number < 0 || number > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("CSeq number must be 0..2^32-1, got " + number);
    }
  }

  /** Reads {@code "<number> <method>"}. */
  public static CSeq parse(String value) throws SipParseException {
    String[] parts = value == null ? new String[0] : value.strip().split("\\s+");
    if (parts.length != 2 || !parts[0].matches("[0-9]{1,10}") || !SipHeaders.isToken(parts[1])) {
      throw new SipParseException("expected a CSeq header '<number> <METHOD>', got '" + value + "'");
    }
    long number = Long.parseLong(parts[0]);
    if (number > 0xFFFF_FFFFL) {
      throw new SipParseException("expected a CSeq number below 2^32, got " + parts[0]);
    }
    return new CSeq(number, parts[1]);
  }

  @Override
  public String toString() {
    return number + " " + method;
  }
}
