package io.tandem.capture.sip;

import java.util.Locale;

/** A SIP transport a recorder listens on. */
public enum SipTransport {
  UDP,
  TCP,
  TLS;

  /** The name as metrics label it: {@code udp}, {@code tcp}, {@code tls}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
