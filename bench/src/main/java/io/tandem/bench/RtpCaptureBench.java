package io.tandem.bench;

import io.tandem.capture.rtp.CallMedia;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.RtpPortPool;
import io.tandem.capture.rtp.StreamSpec;
import io.tandem.media.G711;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measures the CPU cost of RTP capture on loopback, as CPU nanoseconds per packet of the receiving
 * threads only (the sender is not counted), medians over several repetitions after one warm-up:
 *
 * <ol>
 *   <li>raw blocking receive: one thread, one blocking DatagramChannel, every packet to one port;
 *   <li>raw selector receive: one thread, a selector over as many sockets as the calls have streams,
 *       each selected socket read until empty, packets discarded: the floor for any selector engine;
 *   <li>{@link MediaCapture} with K concurrent two-stream calls: receive, place, periodic WAV writes,
 *       while the calls are open; then, separately, closing the calls (final write, WAV header, fsync),
 *       a per-call cost that the bench's short calls (packets / 2K per stream) amortise over far fewer
 *       packets than real calls do.
 * </ol>
 *
 * <p>Run after a package build of the reactor:
 *
 * <pre>
 * java -cp 'tandem-dist/target/lib/*:bench/target/classes' io.tandem.bench.RtpCaptureBench \
 *     [--packets N] [--calls K] [--repetitions R]
 * </pre>
 *
 * Defaults: 100000 packets, 500 calls, 5 repetitions; a run takes well under a minute.
 */
public final class RtpCaptureBench {
  private final long packets;
  private final int calls;
  private final int repetitions;

  private RtpCaptureBench(long packets, int calls, int repetitions) {
    this.packets = packets;
    this.calls = calls;
    this.repetitions = repetitions;
  }

  public static void main(String[] args) throws Exception {
    RtpCaptureBench bench;
    try {
      bench = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: RtpCaptureBench [--packets N] [--calls K] [--repetitions R]");
      System.exit(2);
      return;
    }
    ThreadCpu.requireSupport();
    bench.run();
  }

  static RtpCaptureBench parse(String[] args) {
    long packets = 100_000;
    int calls = 500;
    int repetitions = 5;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("expected a number after " + args[i]);
      }
      long value = positive(args[i], args[i + 1]);
      switch (args[i]) {
        case "--packets" -> packets = value;
        case "--calls" -> calls = Math.toIntExact(value);
        case "--repetitions" -> repetitions = Math.toIntExact(value);
        default -> throw new IllegalArgumentException("expected --packets, --calls or --repetitions, got " + args[i]);
      }
    }
    return new RtpCaptureBench(packets, calls, repetitions);
  }

  private void run() throws Exception {
    System.out.printf("RTP capture on loopback: %d packets per repetition, %d two-stream calls, %d repetitions%n",
        packets, calls, repetitions);
    measureBaseline();
    measureSelectorBaseline();
    measureCapture();
    double[] baseline = new double[repetitions];
    double[] selecting = new double[repetitions];
    double[] capture = new double[repetitions];
    double[] closing = new double[repetitions];
    for (int r = 0; r < repetitions; r++) {
      baseline[r] = measureBaseline();
      selecting[r] = measureSelectorBaseline();
      double[] media = measureCapture();
      capture[r] = media[0];
      closing[r] = media[1];
      System.out.printf("  repetition %d: raw blocking %.0f, raw selector %.0f, capture while open %.0f,"
          + " with close %.0f ns/packet%n", r + 1, baseline[r], selecting[r], capture[r], capture[r] + closing[r]);
    }
    double base = median(baseline);
    double select = median(selecting);
    double media = median(capture);
    double close = median(closing);
    long perStream = packets / (2L * calls);
    System.out.printf("raw UDP receive, blocking, 1 socket:       %8.0f ns CPU per packet (median)%n", base);
    System.out.printf("raw UDP receive, selector, %5d sockets:   %8.0f ns CPU per packet (median)%n", 2 * calls,
        select);
    System.out.printf("MediaCapture receive+place+periodic WAV:   %8.0f ns CPU per packet (median, calls open)%n",
        media);
    System.out.printf("MediaCapture closing calls (write, fsync): %8.0f ns CPU per packet (median; %.0f us per call,"
        + " amortised over %d packets per stream)%n", close, close * packets / calls / 1000, perStream);
    System.out.printf("ratio capture/raw blocking:                %8.2f%n", media / base);
    System.out.printf("ratio capture/raw selector:                %8.2f%n", media / select);
    System.out.printf("two-stream calls per core at 50 packets/s per stream: %.0f%n", 1e9 / (media * 100));
  }

  /** CPU ns per packet of a thread doing nothing but receive on one blocking DatagramChannel, one port for all. */
  private double measureBaseline() throws Exception {
    AtomicLong received = new AtomicLong();
    try (DatagramChannel socket = DatagramChannel.open(); LoopbackRtpSender sender = new LoopbackRtpSender()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = socket.socket().getLocalPort();
      long[] cpu = new long[1];
      Thread receiver = new Thread(() -> receiveUntilClosed(socket, received, cpu), "bench-raw-receive");
      receiver.start();
      sender.send(List.of(port), packets, received::get);
      awaitQuiet(received);
      socket.close();
      receiver.join();
      return (double) cpu[0] / Math.max(1, received.get());
    }
  }

  private static void receiveUntilClosed(DatagramChannel socket, AtomicLong received, long[] cpu) {
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    long start = ThreadCpu.ofThread(Thread.currentThread().threadId());
    try {
      while (true) {
        buffer.clear();
        socket.receive(buffer);
        received.lazySet(received.get() + 1);
      }
    } catch (IOException closed) {
      // The socket was closed: the run is over.
    }
    cpu[0] = ThreadCpu.ofThread(Thread.currentThread().threadId()) - start;
  }

  /**
   * CPU ns per packet of one thread with a selector over 2K non-blocking sockets that reads each
   * selected socket until empty and discards what it reads.
   */
  private double measureSelectorBaseline() throws Exception {
    AtomicLong received = new AtomicLong();
    List<DatagramChannel> sockets = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try (Selector selector = Selector.open(); LoopbackRtpSender sender = new LoopbackRtpSender()) {
      for (int i = 0; i < 2 * calls; i++) {
        DatagramChannel socket = DatagramChannel.open();
        sockets.add(socket);
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        socket.configureBlocking(false);
        socket.register(selector, SelectionKey.OP_READ);
        ports.add(socket.socket().getLocalPort());
      }
      AtomicBoolean running = new AtomicBoolean(true);
      long[] cpu = new long[1];
      Thread receiver = new Thread(() -> selectUntilStopped(selector, running, received, cpu), "bench-raw-select");
      receiver.start();
      sender.send(ports, packets, received::get);
      awaitQuiet(received);
      running.set(false);
      selector.wakeup();
      receiver.join();
      return (double) cpu[0] / Math.max(1, received.get());
    } finally {
      for (DatagramChannel socket : sockets) {
        socket.close();
      }
    }
  }

  private static void selectUntilStopped(Selector selector, AtomicBoolean running, AtomicLong received, long[] cpu) {
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    long start = ThreadCpu.ofThread(Thread.currentThread().threadId());
    try {
      while (running.get()) {
        selector.select(key -> {
          try {
            DatagramChannel socket = (DatagramChannel) key.channel();
            while (socket.receive(buffer.clear()) != null) {
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
    cpu[0] = ThreadCpu.ofThread(Thread.currentThread().threadId()) - start;
  }

  /**
   * CPU ns per packet of the capture and finisher threads: {@code [0]} from the first packet to the
   * last received, {@code [1]} for closing every call and finalising its WAV.
   */
  private double[] measureCapture() throws Exception {
    Path dataDir = Files.createTempDirectory("rtp-capture-bench");
    int base = 20000 + 2 * (int) (Math.random() * 10000);
    RtpPortPool pool = new RtpPortPool(base, base + 4 * calls + 200);
    MediaCapture capture = new MediaCapture("127.0.0.1", pool, dataDir, Clock.systemUTC(), CaptureSettings.defaults());
    try (LoopbackRtpSender sender = new LoopbackRtpSender()) {
      List<CallMedia> opened = new ArrayList<>();
      List<Integer> ports = new ArrayList<>();
      for (int c = 0; c < calls; c++) {
        CallMedia call = capture.open("bench/call-" + c + ".wav",
            List.of(new StreamSpec(0, G711.PCMU), new StreamSpec(1, G711.PCMU)));
        opened.add(call);
        ports.addAll(call.ports());
      }
      long before = ThreadCpu.ofThreadsNamed("rtp-");
      sender.send(ports, packets, () -> capture.counters().packetsReceived());
      awaitQuiet(() -> capture.counters().packetsReceived());
      long received = Math.max(1, capture.counters().packetsReceived());
      long open = ThreadCpu.ofThreadsNamed("rtp-");
      for (CallMedia call : opened) {
        capture.close(call).get(30, TimeUnit.SECONDS);
      }
      long closed = ThreadCpu.ofThreadsNamed("rtp-");
      return new double[] {(double) (open - before) / received, (double) (closed - open) / received};
    } finally {
      capture.stop();
      deleteTree(dataDir);
    }
  }

  private static void awaitQuiet(AtomicLong counter) throws InterruptedException {
    awaitQuiet(counter::get);
  }

  /** Returns once the counter has not moved for 100 ms: every packet still in flight has landed. */
  private static void awaitQuiet(java.util.function.LongSupplier counter) throws InterruptedException {
    long last = -1;
    while (counter.getAsLong() != last) {
      last = counter.getAsLong();
      Thread.sleep(100);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static long positive(String name, String text) {
    try {
      long value = Long.parseLong(text);
      if (value < 1) {
        throw new IllegalArgumentException("expected a positive number for " + name + ", got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a positive number for " + name + ", got " + text);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
