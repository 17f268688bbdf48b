package io.tandem.capture.rtp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Hands out even UDP ports of a range for RTP, leaving each odd port above free for RTCP. Released
 * ports go to the back of the line, so a port is reused as late as possible and stray packets of an
 * old call rarely reach a new one. A call's streams get a consecutive run (P, P + 2, ...) when one is
 * free, since some recording clients send stream {@code i} to the first port plus {@code 2i} whatever
 * the answer says. Thread-safe.
 */
public final class RtpPortPool {
  private final int min;
  private final int max;
  /** Free ports in the order they will be handed out: insertion order, released ports last. */
  private final LinkedHashSet<Integer> free = new LinkedHashSet<>();
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
      Iterator<Integer> first = free.iterator();
      int port = first.next();
      first.remove();
      if (canBind(port)) {
        allocated.add(port);
        return port;
      }
      free.add(port);
    }
    throw new IllegalStateException("no free RTP port in [" + min + ", " + max + "]: " + allocated.size()
        + " allocated, " + free.size() + " held by other processes");
  }

  /**
   * {@code count} consecutive even ports P, P + 2, ... that are all free and bindable, the run whose first
   * port comes earliest in the line; empty when the free ports hold no such run (the caller then takes
   * ports one by one). Ports another process holds are skipped and stay free.
   */
  public synchronized List<Integer> allocateRun(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    for (int first : List.copyOf(free)) {
      if (!runFree(first, count)) {
        continue;
      }
      List<Integer> run = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        run.add(first + 2 * i);
      }
      if (run.stream().allMatch(RtpPortPool::canBind)) {
        free.removeAll(run);
        allocated.addAll(run);
        return run;
      }
    }
    return List.of();
  }

  private boolean runFree(int first, int count) {
    for (int i = 1; i < count; i++) {
      if (!free.contains(first + 2 * i)) {
        return false;
      }
    }
    return true;
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
