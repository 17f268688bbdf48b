package io.tandem.capture.rtp;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * Takes the datagrams waiting in a non-blocking UDP socket, several per system call, into buffers of its own
 * that it reuses call after call: a datagram's bytes and source stay valid until the next {@link #receive}.
 * Confined to one thread.
 */
interface BatchReceiver extends AutoCloseable {
  /** The most datagrams one {@link #receive} takes. */
  int capacity();

  /**
   * Takes up to {@code max} (at most {@link #capacity}) datagrams from the socket {@code descriptor} without
   * waiting.
   *
   * @return how many were taken; fewer than asked means the socket is empty
   * @throws IOException when the system call fails other than for an empty socket
   */
  int receive(int descriptor, int max) throws IOException;

  /** Copies datagram {@code index} of the last receive into {@code into}; returns its length (cut to the buffer). */
  int copy(int index, byte[] into);

  /** Whether datagram {@code index} was longer than the buffer and was cut, as a plain receive cuts it. */
  boolean truncated(int index);

  /**
   * The source of datagram {@code index}: {@code last}'s address object itself while the sender stays the same,
   * as the JDK's channel hands back one object per sender; null for an address family other than IPv4 or IPv6.
   */
  SocketAddress source(int index, LastSender last);

  @Override
  void close();
}
