package io.tandem.call;

import java.util.Objects;

/**
 * One DTMF digit the capture source sent during a call (RFC 4733 telephone-event), kept as an event of the
 * call and never written as audio. Immutable.
 *
 * @param digit {@code 0}-{@code 9}, {@code *}, {@code #}, {@code A}-{@code D}, or the event code for others
 * @param startMillis where in the call's media the digit starts, in milliseconds from the media's start
 * @param durationMillis how long the digit was held
 */
public record DtmfEvent(String digit, long startMillis, long durationMillis) {
  public DtmfEvent {
    Objects.requireNonNull(digit, "digit");
    if (startMillis < 0 || durationMillis < 0) {
      throw new IllegalArgumentException("a DTMF event's start and duration cannot be negative, got " + startMillis
          + " and " + durationMillis);
    }
  }
}
