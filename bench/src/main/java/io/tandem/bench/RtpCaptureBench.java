package io.tandem.bench;

import io.tandem.capture.rtp.CallMedia;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.RtpPortPool;
import io.tandem.capture.rtp.StreamSpec;
import io.tandem.media.G711;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measures the CPU cost of RTP capture on loopback: (a) a bare UDP receive loop on one
 * DatagramChannel, and (b) {@link MediaCapture} receiving the same packet count for K concurrent
 * two-stream calls and writing their WAV files. Reports CPU nanoseconds per packet of the receiving
 * threads (the sender is not counted) as medians over several repetitions, after one warm-up.
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
    measureCapture();
    double[] baseline = new double[repetitions];
    double[] capture = new double[repetitions];
    for (int r = 0; r < repetitions; r++) {
      baseline[r] = measureBaseline();
      capture[r] = measureCapture();
      System.out.printf("  repetition %d: raw receive %.0f ns/packet, capture and write %.0f ns/packet%n",
          r + 1, baseline[r], capture[r]);
    }
    double base = median(baseline);
    double media = median(capture);
    System.out.printf("raw UDP receive:          %8.0f ns CPU per packet (median)%n", base);
    System.out.printf("MediaCapture receive+WAV: %8.0f ns CPU per packet (median)%n", media);
    System.out.printf("ratio capture/raw:        %8.2f%n", media / base);
    System.out.printf("two-stream calls per core at 50 packets/s per stream: %.0f%n", 1e9 / (media * 100));
  }

  /** CPU ns per packet of a thread doing nothing but receive on one blocking DatagramChannel. */
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

  /** CPU ns per packet of the capture and finisher threads, from the first packet to the last WAV closed. */
  private double measureCapture() throws Exception {
    Path dataDir = Files.createTempDirectory("rtp-capture-bench");
    int base = 20000 + 2 * (int) (Math.random() * 10000);
    RtpPortPool pool = new RtpPortPool(base, base + 4 * calls + 200);
    MediaCapture capture = new MediaCapture("127.0.0.1", pool, dataDir, Clock.systemUTC(), CaptureSettings.defaults());
    try (LoopbackRtpSender sender = new LoopbackRtpSender()) {
      List<CallMedia> open = new ArrayList<>();
      List<Integer> ports = new ArrayList<>();
      for (int c = 0; c < calls; c++) {
        CallMedia call = capture.open("bench/call-" + c + ".wav",
            List.of(new StreamSpec(0, G711.PCMU), new StreamSpec(1, G711.PCMU)));
        open.add(call);
        ports.addAll(call.ports());
      }
      long before = ThreadCpu.ofThreadsNamed("rtp-");
      sender.send(ports, packets, () -> capture.counters().packetsReceived());
      awaitQuiet(() -> capture.counters().packetsReceived());
      for (CallMedia call : open) {
        capture.close(call).get(30, TimeUnit.SECONDS);
      }
      long cpu = ThreadCpu.ofThreadsNamed("rtp-") - before;
      return (double) cpu / Math.max(1, capture.counters().packetsReceived());
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
