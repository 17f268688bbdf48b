package io.tandem.capture.sip;

import java.util.Objects;

/**
 * Who may send a recorder SIP and how much: the SBC allow-list, the limits, and SIP over TLS when configured (null
 * when not). Immutable.
 */
public record SipAccess(AllowList allowed, SipLimits limits, SipTls tls) {
  public SipAccess {
    Objects.requireNonNull(allowed, "allowed");
    Objects.requireNonNull(limits, "limits");
  }

  /** SIP from loopback only, within the default limits, no TLS: a recorder alone on a test machine. */
  public static SipAccess loopback() {
    return new SipAccess(AllowList.LOOPBACK, SipLimits.DEFAULTS, null);
  }
}
