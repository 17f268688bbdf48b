package io.tandem.capture.rtp;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor of batch receive for the RTP benchmark: one thread, one non-blocking socket, the capture's own {@code
 * recvmmsg} receiver (the one {@code rtp.receive = batch} uses) taking up to {@link #BATCH} datagrams a call until the
 * socket is empty, their bytes not even copied out; woken either by a selector when the socket is readable (pace 0),
 * or every {@code paceMillis} as the capture's poll wheel wakes, so that datagrams gather into full batches. What is
 * left per datagram is the kernel's work and the system calls' entry, with the fewest calls any capture could make
 * on this machine. Lives in the capture's package to reach its receiver; a benchmark's class, confined to one thread.
 */
public final class BareBatchReceive {
  /** Datagrams one call may take: what the capture's threads ask for. */
  public static final int BATCH = 64;

  private BareBatchReceive() {
  }

  /** Why batch receive cannot run here, or null when it can. */
  public static String unavailable() {
    return ReceiveChoice.unavailable();
  }

  /**
   * Reads {@code socket} (bound, non-blocking) until {@code running} is false, counting every datagram in {@code
   * received}, woken every {@code paceMillis} or, at 0, by a selector; returns the batches taken.
   */
  public static long readUntilStopped(DatagramChannel socket, AtomicBoolean running, AtomicLong received,
      int paceMillis) throws IOException {
    BatchReceiver receiver = ReceiveChoice.receiver(ReceiveMode.BATCH, BATCH, 2048);
    long batches = 0;
    try (receiver; Selector selector = Selector.open()) {
      socket.register(selector, SelectionKey.OP_READ);
      int descriptor = SocketDescriptor.of(socket);
      while (running.get()) {
        if (paceMillis > 0) {
          try {
            Thread.sleep(paceMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return batches;
          }
        } else if (selector.select(100) == 0) {
          continue;
        } else {
          selector.selectedKeys().clear();
        }
        int taken;
        do {
          taken = receiver.receive(descriptor, BATCH);
          if (taken > 0) {
            batches++;
            received.lazySet(received.get() + taken);
          }
        } while (taken == BATCH);
      }
    }
    return batches;
  }
}
