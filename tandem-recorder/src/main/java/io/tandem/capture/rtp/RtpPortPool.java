package io.tandem.capture.rtp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out even UDP ports of a range for RTP, leaving each odd port above free for RTCP. Released
 * ports go to the back of the line, so a port is reused as late as possible and stray packets of an
 * old call rarely reach a new one. Thread-safe.
 */
public final class RtpPortPool {
  private final int min;
  private final int max;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private final Set<Integer> allocated = new HashSet<>();

  public RtpPortPool(int min, int max) {
    if (min < 1024 || max > 65534 || min > max) {
      throw new IllegalArgumentException("RTP port range must be within [1024, 65534] with min <= max, got ["
          + min + ", " + max + "]");
    }
    int first = min + (min & 1);
    if (first > max) {
      throw new IllegalArgumentException("RTP port range [" + min + ", " + max + "] holds no even port");
    }
    this.min = min;
    this.max = max;
    for (int port = first; port <= max; port += 2) {
      free.add(port);
    }
  }

  /**
   * An even port of the range that nothing else holds: ports another process has bound are skipped
   * and stay in the pool for later.
   *
   * @throws IllegalStateException when every port of the range is allocated or busy
   */
  public synchronized int allocate() {
    int candidates = free.size();
    for (int i = 0; i < candidates; i++) {
      int port = free.poll();
      if (canBind(port)) {
        allocated.add(port);
        return port;
      }
      free.add(port);
    }
    throw new IllegalStateException("no free RTP port in [" + min + ", " + max + "]: " + allocated.size()
        + " allocated, " + free.size() + " held by other processes");
  }

  /** Gives a port back; releasing a port that is not allocated is an error. */
  public synchronized void release(int port) {
    if (!allocated.remove(port)) {
      throw new IllegalArgumentException("RTP port " + port + " is not allocated from [" + min + ", " + max + "]");
    }
    free.add(port);
  }

  public synchronized int allocatedCount() {
    return allocated.size();
  }

  public int capacity() {
    return (max - (min + (min & 1))) / 2 + 1;
  }

  private static boolean canBind(int port) {
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
