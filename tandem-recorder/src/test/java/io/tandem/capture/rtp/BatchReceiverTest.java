package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The recvmmsg receiver against real loopback sockets, as a capture thread uses it. */
class BatchReceiverTest {
  private static final int DATAGRAM = 2048;
  private final List<DatagramChannel> sockets = new ArrayList<>();
  private BatchReceiver receiver;

  @BeforeEach
  void open() {
    assumeThat(ReceiveChoice.unavailable()).as("batch receive on this machine").isNull();
    receiver = ReceiveChoice.receiver(ReceiveMode.BATCH, 16, DATAGRAM);
  }

  @AfterEach
  void close() throws IOException {
    if (receiver != null) {
      receiver.close();
    }
    for (DatagramChannel socket : sockets) {
      socket.close();
    }
  }

  @Test
  void datagramsFromSeveralSourcesComeWholeWithTheirOwnSources() throws Exception {
    DatagramChannel socket = receiving("127.0.0.1");
    List<DatagramChannel> senders = List.of(sending("127.0.0.1"), sending("127.0.0.1"), sending("127.0.0.1"));
    for (int i = 0; i < 40; i++) {
      for (int s = 0; s < senders.size(); s++) {
        senders.get(s).send(ByteBuffer.wrap(datagram(s, i, 172)), socket.getLocalAddress());
      }
    }
    Map<SocketAddress, List<Integer>> bySource = takeAll(socket, 120);

    assertThat(bySource).hasSize(3);
    for (int s = 0; s < senders.size(); s++) {
      List<Integer> sequence = bySource.get(senders.get(s).getLocalAddress());
      assertThat(sequence).as("datagrams of sender %d in order", s).hasSize(40)
          .isEqualTo(java.util.stream.IntStream.range(0, 40).boxed().toList());
    }
  }

  @Test
  void theSameSenderGivesTheSameAddressObjectAndANewOneANewObject() throws Exception {
    DatagramChannel socket = receiving("127.0.0.1");
    DatagramChannel first = sending("127.0.0.1");
    DatagramChannel second = sending("127.0.0.1");
    LastSender last = new LastSender();
    first.send(ByteBuffer.wrap(datagram(0, 0, 12)), socket.getLocalAddress());
    SocketAddress one = takeOne(socket, last);
    first.send(ByteBuffer.wrap(datagram(0, 1, 12)), socket.getLocalAddress());
    SocketAddress again = takeOne(socket, last);
    second.send(ByteBuffer.wrap(datagram(1, 0, 12)), socket.getLocalAddress());
    SocketAddress other = takeOne(socket, last);

    assertThat(one).isEqualTo(first.getLocalAddress());
    assertThat(again).isSameAs(one);
    assertThat(other).isEqualTo(second.getLocalAddress()).isNotSameAs(one);
  }

  @Test
  void ipv6SourcesAreReadFromTheirSocketAddresses() throws Exception {
    assumeThat(hasIpv6Loopback()).as("::1 on the loopback").isTrue();
    DatagramChannel socket = receiving("::1");
    DatagramChannel sender = sending("::1");
    for (int i = 0; i < 5; i++) {
      sender.send(ByteBuffer.wrap(datagram(7, i, 100)), socket.getLocalAddress());
    }
    Map<SocketAddress, List<Integer>> bySource = takeAll(socket, 5);

    InetSocketAddress expected = (InetSocketAddress) sender.getLocalAddress();
    assertThat(bySource).containsOnlyKeys(expected);
    assertThat(((InetSocketAddress) bySource.keySet().iterator().next()).getAddress()).isInstanceOf(Inet6Address.class);
    assertThat(bySource.get(expected)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void ipv4SendersToADualStackSocketComeAsIpv4Addresses() throws Exception {
    assumeThat(hasIpv6Loopback()).as("IPv6 on this machine").isTrue();
    DatagramChannel socket = receiving("::");
    DatagramChannel sender = sending("127.0.0.1");
    int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
    sender.send(ByteBuffer.wrap(datagram(1, 0, 20)), new InetSocketAddress("127.0.0.1", port));

    assertThat(takeOne(socket, new LastSender())).isEqualTo(sender.getLocalAddress());
  }

  @Test
  void anOversizedDatagramIsCutToTheBufferAndTheNextComesWhole() throws Exception {
    DatagramChannel socket = receiving("127.0.0.1");
    DatagramChannel sender = sending("127.0.0.1");
    sender.send(ByteBuffer.wrap(datagram(3, 0, 3000)), socket.getLocalAddress());
    sender.send(ByteBuffer.wrap(datagram(3, 1, 172)), socket.getLocalAddress());
    int descriptor = SocketDescriptor.of(socket);
    awaitQueued(socket);

    assertThat(receiver.receive(descriptor, 16)).isEqualTo(2);
    byte[] bytes = new byte[DATAGRAM];
    assertThat(receiver.copy(0, bytes)).isEqualTo(DATAGRAM);
    assertThat(receiver.truncated(0)).isTrue();
    assertThat(bytes).startsWith(datagram(3, 0, 16));
    assertThat(bytes[DATAGRAM - 1]).isEqualTo(datagram(3, 0, 3000)[DATAGRAM - 1]);
    assertThat(receiver.copy(1, bytes)).isEqualTo(172);
    assertThat(receiver.truncated(1)).isFalse();
    assertThat(java.util.Arrays.copyOf(bytes, 172)).isEqualTo(datagram(3, 1, 172));
  }

  @Test
  void anEmptySocketGivesNothingAtOnce() throws Exception {
    DatagramChannel socket = receiving("127.0.0.1");
    long start = System.nanoTime();

    assertThat(receiver.receive(SocketDescriptor.of(socket), 16)).isZero();
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void aBatchTakesNoMoreThanAskedAndFewerMeansTheSocketIsEmpty() throws Exception {
    DatagramChannel socket = receiving("127.0.0.1");
    DatagramChannel sender = sending("127.0.0.1");
    for (int i = 0; i < 5; i++) {
      sender.send(ByteBuffer.wrap(datagram(2, i, 50)), socket.getLocalAddress());
    }
    int descriptor = SocketDescriptor.of(socket);
    awaitQueued(socket);

    assertThat(receiver.receive(descriptor, 3)).isEqualTo(3);
    assertThat(sequenceOf(0)).isEqualTo(0);
    assertThat(sequenceOf(2)).isEqualTo(2);
    assertThat(receiver.receive(descriptor, 10)).isEqualTo(2);
    assertThat(sequenceOf(0)).isEqualTo(3);
    assertThat(sequenceOf(1)).isEqualTo(4);
    assertThat(receiver.receive(descriptor, 10)).isZero();
  }

  @Test
  void aBadDescriptorFailsWithItsError() {
    assertThatThrownBy(() -> receiver.receive(-1, 4)).isInstanceOf(IOException.class).hasMessageContaining("errno 9");
  }

  /** Reads from {@code socket} until {@code count} datagrams came; each one's sequence by its source. */
  private Map<SocketAddress, List<Integer>> takeAll(DatagramChannel socket, int count) throws Exception {
    int descriptor = SocketDescriptor.of(socket);
    LastSender last = new LastSender();
    Map<SocketAddress, List<Integer>> bySource = new HashMap<>();
    int[] taken = {0};
    Awaitility.await().atMost(10, TimeUnit.SECONDS).pollInterval(1, TimeUnit.MILLISECONDS).until(() -> {
      int n = receiver.receive(descriptor, receiver.capacity());
      byte[] bytes = new byte[DATAGRAM];
      for (int i = 0; i < n; i++) {
        int length = receiver.copy(i, bytes);
        int sender = bytes[0];
        assertThat(java.util.Arrays.copyOf(bytes, length)).isEqualTo(datagram(sender, bytes[1] & 0xFF, length));
        bySource.computeIfAbsent(receiver.source(i, last), a -> new ArrayList<>()).add(bytes[1] & 0xFF);
      }
      taken[0] += n;
      return taken[0] >= count;
    });
    assertThat(taken[0]).isEqualTo(count);
    return bySource;
  }

  private SocketAddress takeOne(DatagramChannel socket, LastSender last) throws Exception {
    int descriptor = SocketDescriptor.of(socket);
    awaitQueued(socket);
    assertThat(receiver.receive(descriptor, 4)).isEqualTo(1);
    return receiver.source(0, last);
  }

  private int sequenceOf(int index) {
    byte[] bytes = new byte[DATAGRAM];
    receiver.copy(index, bytes);
    return bytes[1];
  }

  /**
   * Waits until the datagrams sent to {@code socket} are queued in it, without taking them: its queue is not empty
   * and has not grown for 200 ms (loopback queues a datagram as it is sent, unless the kernel defers that under load).
   */
  private static void awaitQueued(DatagramChannel socket) throws IOException {
    int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
    long[] last = {-1, System.nanoTime()};
    Awaitility.await().atMost(10, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS).until(() -> {
      long queued = queuedBytes(port);
      if (queued != last[0]) {
        last[0] = queued;
        last[1] = System.nanoTime();
      }
      return queued > 0 && System.nanoTime() - last[1] >= TimeUnit.MILLISECONDS.toNanos(200);
    });
  }

  /** The receive queue of the UDP socket on {@code port}, from the kernel's socket table (IPv4 and IPv6). */
  private static long queuedBytes(int port) throws IOException {
    String hexPort = String.format(":%04X ", port);
    for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 4 && (fields[1] + " ").endsWith(hexPort)) {
          return Long.parseLong(fields[4].substring(fields[4].indexOf(':') + 1), 16);
        }
      }
    }
    return 0;
  }

  private DatagramChannel receiving(String host) throws IOException {
    DatagramChannel socket = DatagramChannel.open();
    sockets.add(socket);
    socket.bind(new InetSocketAddress(host, 0));
    socket.configureBlocking(false);
    return socket;
  }

  private DatagramChannel sending(String host) throws IOException {
    DatagramChannel socket = DatagramChannel.open();
    sockets.add(socket);
    socket.bind(new InetSocketAddress(host, 0));
    return socket;
  }

  /** {@code length} bytes: the sender, the sequence, then a pattern of both. */
  private static byte[] datagram(int sender, int sequence, int length) {
    byte[] bytes = new byte[length];
    bytes[0] = (byte) sender;
    if (length > 1) {
      bytes[1] = (byte) sequence;
    }
    for (int i = 2; i < length; i++) {
      bytes[i] = (byte) (i * 31 + sender * 7 + sequence);
    }
    return bytes;
  }

  private static boolean hasIpv6Loopback() throws IOException {
    NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    return loopback != null && loopback.inetAddresses().anyMatch(a -> a instanceof Inet6Address);
  }
}
