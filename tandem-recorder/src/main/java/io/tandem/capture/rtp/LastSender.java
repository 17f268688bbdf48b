package io.tandem.capture.rtp;

import java.net.SocketAddress;

/**
 * The address a socket last received from, in the raw form a batch receive reads it in, with the address object
 * made for it: a socket whose sender stays the same yields the same object, so the capture compares sources by
 * identity, as with the JDK's channel. One per socket; confined to its capture thread.
 */
final class LastSender {
  int family;
  int port;
  /** An IPv4 address in the low 32 bits, or the first 8 bytes of an IPv6 one. */
  long high;
  /** The last 8 bytes of an IPv6 address; 0 for IPv4. */
  long low;
  int scope;
  SocketAddress address;

  boolean is(int family, int port, long high, long low, int scope) {
    return address != null && this.port == port && this.high == high && this.low == low && this.family == family
        && this.scope == scope;
  }

  SocketAddress remember(int family, int port, long high, long low, int scope, SocketAddress address) {
    this.family = family;
    this.port = port;
    this.high = high;
    this.low = low;
    this.scope = scope;
    this.address = address;
    return address;
  }
}
