package io.tandem.capture.sip;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a SIP request came from: its transport and the address and port it was sent from. Immutable.
 */
public record SipPeer(SipTransport transport, InetSocketAddress address) {
  public SipPeer {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(address, "address");
  }

  /**
   * Whether {@code other} is the same sender as this one, as far as a dialog holds a source to: the same IP
   * address, and TLS for both or for neither. Ports are not compared: an SBC sends a dialog's later requests
   * over a new TCP connection (from a new port) when the first one closed, and over TCP rather than UDP when a
   * request is too large for a datagram (RFC 3261 18.1.1); a downgrade from TLS is never taken.
   */
  public boolean sameSource(SipPeer other) {
    return other != null && (transport == SipTransport.TLS) == (other.transport == SipTransport.TLS)
        && address.getAddress().equals(other.address.getAddress());
  }

  @Override
  public String toString() {
    return transport + " " + address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
