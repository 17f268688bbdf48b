package io.tandem.capture.rtp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks how capture threads read their sockets, from {@link ReceiveMode}: batch receive is checked once per process
 * (platform, JDK, access to socket descriptors, then {@code recvmmsg} on a probe socket that sends itself a few
 * datagrams), and what was picked is logged once. Thread-safe.
 */
final class ReceiveChoice {
  private static final Logger log = LoggerFactory.getLogger(ReceiveChoice.class);
  private static final String RECEIVER = "io.tandem.capture.rtp.RecvmmsgReceiver";
  private static final Set<String> ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64");
  private static final int PROBE_DATAGRAMS = 3;
  private static final AtomicBoolean logged = new AtomicBoolean();

  private ReceiveChoice() {
  }

  /** Why batch receive cannot run in this process, or null when its probe passed; checked at first use. */
  static String unavailable() {
    return Probe.REASON;
  }

  /**
   * A batch receiver for one capture thread, or null to read one datagram per receive.
   *
   * @throws IllegalStateException when batch is demanded and cannot run here
   */
  static BatchReceiver receiver(ReceiveMode mode, int capacity, int datagramSize) {
    if (mode == ReceiveMode.PLAIN) {
      logOnce("RTP sockets are read one datagram per receive (rtp.receive = plain)");
      return null;
    }
    String reason = unavailable();
    if (reason != null) {
      if (mode == ReceiveMode.BATCH) {
        throw new IllegalStateException("'rtp.receive' is batch, but batch receive cannot run here: " + reason);
      }
      logOnce("RTP sockets are read one datagram per receive: batch receive cannot run here (" + reason + ")");
      return null;
    }
    logOnce("RTP sockets are read in batches, recvmmsg (rtp.receive = " + mode.name().toLowerCase() + ")");
    return create(capacity, datagramSize);
  }

  private static void logOnce(String message) {
    if (logged.compareAndSet(false, true)) {
      log.info(message);
    }
  }

  private static BatchReceiver create(int capacity, int datagramSize) {
    try {
      return (BatchReceiver) Class.forName(RECEIVER).getDeclaredConstructor(int.class, int.class)
          .newInstance(capacity, datagramSize);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a batch receiver", e);
    }
  }

  /** Why batch receive cannot run on {@code os} and {@code arch} with a JDK of {@code feature}, or null. */
  static String platformProblem(String os, String arch, int feature) {
    if (!"Linux".equals(os) || !ARCHITECTURES.contains(arch)) {
      return "not Linux on x86_64 or aarch64 but " + os + " on " + arch;
    }
    if (feature < 22) {
      return "Java " + feature + " has no final foreign-function API (22 or newer)";
    }
    return null;
  }

  /** The check, run once when first asked for. */
  private static final class Probe {
    static final String REASON = check();

    private static String check() {
      String platform = platformProblem(System.getProperty("os.name"), System.getProperty("os.arch"),
          Runtime.version().feature());
      if (platform != null) {
        return platform;
      }
      if (!SocketDescriptor.reachable()) {
        return SocketDescriptor.UNREACHABLE;
      }
      try (BatchReceiver receiver = create(PROBE_DATAGRAMS + 1, 64)) {
        return probe(receiver);
      } catch (IOException | RuntimeException | LinkageError e) {
        return "the probe failed: " + e;
      }
    }

    /** Sends a probe socket a few datagrams of its own and reads them back in one batch receive. */
    private static String probe(BatchReceiver receiver) throws IOException {
      try (DatagramChannel socket = DatagramChannel.open(); DatagramChannel sender = DatagramChannel.open()) {
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        socket.configureBlocking(false);
        sender.bind(new InetSocketAddress("127.0.0.1", 0));
        for (int i = 0; i < PROBE_DATAGRAMS; i++) {
          sender.send(ByteBuffer.wrap(new byte[] {'p', (byte) i}), socket.getLocalAddress());
        }
        int descriptor = SocketDescriptor.of(socket);
        LastSender last = new LastSender();
        byte[] bytes = new byte[64];
        int taken = 0;
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (taken < PROBE_DATAGRAMS && System.nanoTime() < deadline) {
          int n = receiver.receive(descriptor, PROBE_DATAGRAMS - taken);
          for (int i = 0; i < n; i++, taken++) {
            SocketAddress source = receiver.source(i, last);
            int length = receiver.copy(i, bytes);
            if (!sender.getLocalAddress().equals(source)
                || !Arrays.equals(bytes, 0, length, new byte[] {'p', (byte) taken}, 0, 2)) {
              return "the probe read datagram " + taken + " wrong: " + length + " bytes from " + source;
            }
          }
          Thread.onSpinWait();
        }
        return taken == PROBE_DATAGRAMS ? null : "the probe read " + taken + " of " + PROBE_DATAGRAMS + " datagrams";
      }
    }
  }
}
