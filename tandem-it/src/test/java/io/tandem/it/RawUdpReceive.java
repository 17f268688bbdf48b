package io.tandem.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The baseline of the load figures: how many 172-byte RTP-sized datagrams a second one thread receives on
 * loopback with a selector over as many sockets as the calls have streams, reading and discarding them,
 * while one sender thread in the same process sends round-robin to those sockets, never more than a
 * window ahead of the receiver so that no socket buffer overflows. Wall-clock rate, so it counts what two
 * cores give a sender and a receiver together. Not thread-safe; one measurement at a time.
 */
final class RawUdpReceive {
  private static final int WINDOW = 4096;

  private RawUdpReceive() {}

  /** The median over {@code repetitions} of the packets a second received, {@code packets} each time. */
  static double packetsPerSecond(int sockets, long packets, int repetitions) throws Exception {
    double[] rates = new double[repetitions];
    for (int r = 0; r < repetitions; r++) {
      rates[r] = once(sockets, packets);
    }
    Arrays.sort(rates);
    return rates[repetitions / 2];
  }

  private static double once(int count, long packets) throws Exception {
    List<DatagramChannel> sockets = new ArrayList<>();
    AtomicLong received = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    try (Selector selector = Selector.open(); DatagramChannel sender = DatagramChannel.open()) {
      List<InetSocketAddress> targets = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        sockets.add(socket);
        socket.configureBlocking(false);
        socket.register(selector, SelectionKey.OP_READ);
        targets.add((InetSocketAddress) socket.getLocalAddress());
      }
      Thread receiver = Thread.ofPlatform().name("raw-udp-receive").start(() -> receive(selector, running, received));
      sender.bind(new InetSocketAddress("127.0.0.1", 0));
      ByteBuffer packet = ByteBuffer.allocate(172);
      long start = System.nanoTime();
      for (long i = 0; i < packets; i++) {
        while (i - received.get() > WINDOW) {
          LockSupport.parkNanos(10_000);
        }
        sender.send(packet.clear(), targets.get((int) (i % count)));
      }
      // The run ends at the last packet received, once nothing more has come for 100 ms.
      long last = -1;
      long lastChange = System.nanoTime();
      while (System.nanoTime() - lastChange < 100_000_000L) {
        if (received.get() != last) {
          last = received.get();
          lastChange = System.nanoTime();
        }
        Thread.sleep(5);
      }
      long elapsed = lastChange - start;
      running.set(false);
      selector.wakeup();
      receiver.join();
      return received.get() / (elapsed / 1e9);
    } finally {
      for (DatagramChannel socket : sockets) {
        socket.close();
      }
    }
  }

  private static void receive(Selector selector, AtomicBoolean running, AtomicLong received) {
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    try {
      while (running.get()) {
        selector.select(key -> {
          try {
            while (((DatagramChannel) key.channel()).receive(buffer.clear()) != null) {
              received.lazySet(received.get() + 1);
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, 100);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
