package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RtpPortPoolTest {
  /** The widest range a test uses, every port of it free when the test starts. */
  private static final int WIDEST = 2000;
  private final int base = freeRange();

  @Test
  void handsOutOnlyEvenPortsInsideTheRange() {
    RtpPortPool pool = new RtpPortPool(base, base + 9);
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < pool.capacity(); i++) {
      ports.add(pool.allocate());
    }
    assertThat(ports).hasSize(5).doesNotHaveDuplicates()
        .allSatisfy(p -> assertThat(p).isEven().isBetween(base, base + 9));
  }

  @Test
  void exhaustedPoolSaysHowManyAreAllocated() {
    RtpPortPool pool = new RtpPortPool(base, base + 3);
    pool.allocate();
    pool.allocate();
    assertThatThrownBy(pool::allocate).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no free RTP port").hasMessageContaining("2 allocated");
  }

  @Test
  void portBoundByAnotherSocketIsSkipped() throws Exception {
    RtpPortPool pool = new RtpPortPool(base, base + 3);
    int busy = base + 1;
    try (DatagramChannel other = DatagramChannel.open()) {
      other.bind(new InetSocketAddress(busy));
      assertThat(pool.allocate()).isEqualTo(base + 3);
      assertThatThrownBy(pool::allocate).hasMessageContaining("1 held by other processes");
    }
  }

  @Test
  void releasedPortIsReusedLast() {
    RtpPortPool pool = new RtpPortPool(base, base + 5);
    int first = pool.allocate();
    pool.release(first);
    assertThat(pool.allocate()).isNotEqualTo(first);
    assertThat(pool.allocatedCount()).isEqualTo(1);
  }

  @Test
  void releasingPortNotAllocatedIsRejected() {
    RtpPortPool pool = new RtpPortPool(base, base + 5);
    assertThatThrownBy(() -> pool.release(base + 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not allocated");
  }

  @Test
  void invalidRangeIsRejectedWithItsBounds() {
    assertThatThrownBy(() -> new RtpPortPool(5000, 4000)).hasMessageContaining("[5000, 4000]");
    assertThatThrownBy(() -> new RtpPortPool(5001, 5001)).hasMessageContaining("no even port");
  }

  @Test
  void concurrentAllocationsNeverShareAPort() {
    RtpPortPool pool = new RtpPortPool(base, base + 199);
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    IntStream.range(0, 100).parallel().forEach(i -> assertThat(seen.add(pool.allocate())).isTrue());
    assertThat(seen).hasSize(100);
  }

  @Test
  void aCallsStreamsGetAConsecutiveRunSkippingABusyPortAndNoneWhenFragmented() throws Exception {
    int first = base + 1;
    RtpPortPool pool = new RtpPortPool(first, first + 13);
    try (DatagramChannel other = DatagramChannel.open()) {
      other.bind(new InetSocketAddress(first + 2));
      assertThat(pool.allocateRun(2)).containsExactly(first + 4, first + 6);
    }
    assertThat(pool.allocateRun(3)).containsExactly(first + 8, first + 10, first + 12);
    assertThat(pool.allocateRun(2)).containsExactly(first, first + 2);
    assertThat(pool.allocateRun(1)).isEmpty();
    pool.release(first);
    pool.release(first + 8);
    assertThat(pool.allocateRun(2)).as("free ports %d and %d are not a run", first, first + 8).isEmpty();
    assertThat(pool.allocatedCount()).isEqualTo(5);
  }

  @Test
  void concurrentRunsNeverInterleave() {
    RtpPortPool pool = new RtpPortPool(base, base + 1999);
    List<List<Integer>> runs = IntStream.range(0, 400).parallel().mapToObj(i -> pool.allocateRun(2)).toList();
    assertThat(runs).allSatisfy(run -> assertThat(run.get(1) - run.get(0)).isEqualTo(2));
    assertThat(runs.stream().flatMap(List::stream)).doesNotHaveDuplicates().hasSize(800);
  }

  /**
   * An odd first port of {@link #WIDEST} ports that are all free for UDP now, below the system's ephemeral ports
   * (from 32768), which other processes' connections take at any moment.
   */
  private static int freeRange() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = 20001 + 2 * ThreadLocalRandom.current().nextInt((32768 - 20001 - WIDEST) / 2);
      if (allFree(first, first + WIDEST)) {
        return first;
      }
    }
    throw new IllegalStateException("no " + WIDEST + " UDP ports in a row free between 20000 and 32767");
  }

  private static boolean allFree(int from, int to) {
    for (int port = from; port < to; port++) {
      try (DatagramChannel probe = DatagramChannel.open()) {
        probe.bind(new InetSocketAddress(port));
      } catch (java.io.IOException e) {
        return false;
      }
    }
    return true;
  }
}
