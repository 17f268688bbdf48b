package io.tandem.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The local address the simulator's SIP and RTP leave from: the one this host's routing picks to reach the
 * recorders, as an SBC's interface toward them (loopback for recorders on this machine). Stateless.
 */
final class SourceAddress {
  private SourceAddress() {}

  /**
   * The address the system would send from to the first of {@code recorders}; asked of the routing table by
   * connecting a UDP socket, which sends nothing.
   *
   * @throws UncheckedIOException when no route reaches that recorder
   */
  static InetAddress toward(List<InetSocketAddress> recorders) {
    InetSocketAddress first = recorders.getFirst();
    if (first.isUnresolved()) {
      throw new UncheckedIOException(new IOException("cannot resolve recorder host " + first.getHostString()));
    }
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(first);
      InetAddress local = probe.getLocalAddress();
      // Some systems leave a socket connected to a loopback address unbound to it: loopback it is.
      return local.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : local;
    } catch (IOException e) {
      throw new UncheckedIOException("no route to recorder " + first + ": " + e.getMessage(), e);
    }
  }
}
