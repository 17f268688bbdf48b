package io.tandem.bench;

import io.tandem.capture.rtp.CallMedia;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.ReceiveMode;
import io.tandem.media.MediaFiles;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.capture.rtp.RtpPortPool;
import io.tandem.capture.rtp.StreamSpec;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.srtp.SdesCrypto;
import io.tandem.capture.srtp.SrtpSender;
import io.tandem.capture.srtp.SrtpSuite;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Measures the CPU cost of RTP capture on loopback, as CPU nanoseconds per packet of the receiving
 * threads only (the sender is not counted), medians over several repetitions after one warm-up. Each
 * repetition measures, under the same load:
 *
 * <ol>
 *   <li>raw blocking receive: one thread, one blocking DatagramChannel, every packet to one port;
 *   <li>raw batch receive: one thread, one non-blocking socket read by {@code recvmmsg} (the capture's own
 *       receiver) every 2 ms until empty (about 100 datagrams, within one socket's receive buffer); the same load as the blocking one;
 *   <li>raw selector receive: one thread, a selector over as many sockets as the calls have streams,
 *       each selected socket read until empty, packets discarded;
 *   <li>{@link MediaCapture} with K concurrent two-stream calls: receive, place, periodic WAV writes,
 *       while the calls are open; then, separately, closing the calls (final write, WAV header, fsync),
 *       a per-call cost that the bench's short calls amortise over far fewer packets than real calls do.
 * </ol>
 *
 * <p>Two loads: {@code paced} (the default) sends every stream at 50 packets per second with the
 * streams' 20 ms slots spread evenly, as real calls arrive (K calls: 100 K packets per second in all),
 * for S seconds; {@code burst} sends N packets round-robin as fast as the receiver keeps up. The raw
 * blocking receive gets the same aggregate rate on its one port.
 *
 * <p>Run after a package build of the reactor:
 *
 * <pre>
 * java -cp 'tandem-dist/target/lib/*:bench/target/classes' io.tandem.bench.RtpCaptureBench \
 *     [--load paced|burst] [--calls K] [--seconds S] [--packets N] [--repetitions R] [--flush-ms F]
 *     [--payload-type 0|8|9] [--srtp SUITE] [--media plain|sealed|both] [--receive MODE,...]
 * </pre>
 *
 * {@code --payload-type 9} sends G.722 payloads (160 bytes, 20 ms), which the capture places and keeps raw in
 * each call's payload log instead of decoding. {@code --srtp AES_CM_128_HMAC_SHA1_80} (or {@code _32}) measures,
 * in each repetition, the capture of the same load sent as SRTP (each stream under its own SDES key,
 * authenticated and decrypted before it is placed) right after the plain capture, so both come from one run.
 * {@code --media sealed} seals the WAVs at rest (AES-256-GCM, as a recorder with a media key does); {@code both}
 * measures plain then sealed capture in each repetition. {@code --receive batch,plain} measures the capture with
 * its sockets read in batches (recvmmsg) and then one datagram per receive in each repetition, each against the
 * same raw baselines (the first mode named is the one the other options apply to; default: auto). Defaults: paced, 500 calls, 5 seconds per measurement
 * (250,000 packets), 5 repetitions, the recorder's default flush interval; about two minutes. Burst defaults to
 * 100000 packets.
 */
public final class RtpCaptureBench {
  private static final String USAGE =
      "usage: RtpCaptureBench [--load paced|burst] [--calls K] [--seconds S] [--packets N] [--repetitions R]"
          + " [--flush-ms F] [--payload-type 0|8|9] [--srtp AES_CM_128_HMAC_SHA1_80|AES_CM_128_HMAC_SHA1_32]"
          + " [--media plain|sealed|both] [--receive batch,plain,auto]";

  private final boolean paced;
  private final long packets;
  private final int seconds;
  private final int calls;
  private final int repetitions;
  private final CaptureSettings settings;
  /** What the capture's packets carry: PCMU (0) or PCMA (8), decoded at once, or G.722 (9), kept raw. */
  private final int payloadType;
  /** The SRTP suite measured beside plain RTP, or null for plain RTP only. */
  private final SrtpSuite srtp;
  /** Which media files the capture writes: plain, sealed, or both in turn. */
  private final String sealing;
  /**
   * How often the bare batch receive wakes to empty its socket, as the capture's poll wheel wakes for each of its
   * sockets, so that datagrams gather into batches (woken by a selector instead, a paced load gives under two
   * datagrams a call); short enough that the one socket's receive buffer holds what gathers at 50,000 a second.
   */
  private static final int PACE_MS = 2;
  /** Datagrams per recvmmsg call in the last {@link #measureBatchBaseline}. */
  private double lastBatchSize = Double.NaN;
  /** How the capture reads its sockets, one measurement each per repetition; the first is the main one. */
  private final List<ReceiveMode> receives;

  private RtpCaptureBench(boolean paced, long packets, int seconds, int calls, int repetitions,
      CaptureSettings settings, int payloadType, SrtpSuite srtp, String media, List<ReceiveMode> receives) {
    this.receives = receives;
    this.payloadType = payloadType;
    this.srtp = srtp;
    this.sealing = media;
    this.paced = paced;
    this.packets = packets;
    this.seconds = seconds;
    this.calls = calls;
    this.repetitions = repetitions;
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    RtpCaptureBench bench;
    try {
      bench = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    ThreadCpu.requireSupport();
    bench.run();
  }

  static RtpCaptureBench parse(String[] args) {
    boolean paced = true;
    long packets = 100_000;
    int seconds = 5;
    int calls = 500;
    int repetitions = 5;
    long flushMillis = CaptureSettings.DEFAULT_FLUSH_INTERVAL.toMillis();
    int payloadType = G711.PCMU;
    SrtpSuite srtp = null;
    String media = "plain";
    List<ReceiveMode> receives = List.of(ReceiveMode.AUTO);
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("expected a value after " + args[i]);
      }
      if (args[i].equals("--load")) {
        paced = switch (args[i + 1]) {
          case "paced" -> true;
          case "burst" -> false;
          default -> throw new IllegalArgumentException("expected paced or burst after --load, got " + args[i + 1]);
        };
        continue;
      }
      if (args[i].equals("--media")) {
        media = args[i + 1];
        if (!List.of("plain", "sealed", "both").contains(media)) {
          throw new IllegalArgumentException("expected plain, sealed or both after --media, got " + media);
        }
        continue;
      }
      if (args[i].equals("--receive")) {
        receives = receiveModes(args[i + 1]);
        continue;
      }
      if (args[i].equals("--payload-type")) {
        payloadType = switch (args[i + 1]) {
          case "0" -> 0;
          case "8" -> 8;
          case "9" -> 9;
          default -> throw new IllegalArgumentException("expected 0 (PCMU), 8 (PCMA) or 9 (G.722) after "
              + "--payload-type, got " + args[i + 1]);
        };
        continue;
      }
      if (args[i].equals("--srtp")) {
        String name = args[i + 1];
        srtp = SrtpSuite.named(name).orElseThrow(() -> new IllegalArgumentException(
            "expected AES_CM_128_HMAC_SHA1_80 or AES_CM_128_HMAC_SHA1_32 after --srtp, got " + name));
        continue;
      }
      long value = positive(args[i], args[i + 1]);
      switch (args[i]) {
        case "--packets" -> packets = value;
        case "--seconds" -> seconds = Math.toIntExact(value);
        case "--calls" -> calls = Math.toIntExact(value);
        case "--repetitions" -> repetitions = Math.toIntExact(value);
        case "--flush-ms" -> flushMillis = value;
        default -> throw new IllegalArgumentException(
            "expected --load, --packets, --seconds, --calls, --repetitions, --flush-ms, --payload-type or --srtp, got "
                + args[i]);
      }
    }
    CaptureSettings settings = new CaptureSettings(CaptureSettings.DEFAULT_THREADS,
        CaptureSettings.DEFAULT_JITTER_DELAY, Duration.ofMillis(flushMillis), CaptureSettings.DEFAULT_RECEIVE_INTERVAL);
    return new RtpCaptureBench(paced, packets, seconds, calls, repetitions, settings, payloadType, srtp, media,
        receives);
  }

  private static List<ReceiveMode> receiveModes(String text) {
    List<ReceiveMode> modes = new ArrayList<>();
    for (String name : text.split(",")) {
      ReceiveMode mode = Arrays.stream(ReceiveMode.values()).filter(m -> m.name().equalsIgnoreCase(name.strip()))
          .findFirst().orElseThrow(() -> new IllegalArgumentException(
              "expected batch, plain or auto (comma-separated) after --receive, got " + text));
      if (modes.contains(mode)) {
        throw new IllegalArgumentException("expected each of batch, plain and auto once after --receive, got " + text);
      }
      modes.add(mode);
    }
    return List.copyOf(modes);
  }

  private void run() throws Exception {
    if (paced) {
      System.out.printf("RTP capture on loopback, paced: %d two-stream calls at 50 packets/s per stream"
          + " (%d packets/s), %d s per measurement, %d repetitions, flush every %d ms, payload type %d%n", calls,
          100 * calls, seconds, repetitions, settings.flushInterval().toMillis(), payloadType);
    } else {
      System.out.printf("RTP capture on loopback, burst: %d packets per repetition, %d two-stream calls,"
          + " %d repetitions, flush every %d ms%n", packets, calls, repetitions, settings.flushInterval().toMillis());
    }
    System.out.println("media files: " + sealing + "; sockets read: " + receives.stream()
        .map(m -> m.name().toLowerCase()).toList() + "; load average " + loadAverage());
    MediaFiles plain = MediaFiles.plain();
    MediaFiles sealed = MediaFiles.of(MediaKeys.generate(), true);
    measureBaseline();
    measureSelectorBaseline();
    measureCapture(null, sealing.equals("plain") ? plain : sealed);
    if (sealing.equals("both")) {
      measureCapture(null, plain);
    }
    if (srtp != null) {
      measureCapture(srtp, plain);
    }
    for (ReceiveMode other : receives.subList(1, receives.size())) {
      measureCapture(null, plain, other);
    }
    double[][] others = new double[receives.size()][repetitions];
    double[] sealedCapture = new double[repetitions];
    double[] sealedClosing = new double[repetitions];
    double[] baseline = new double[repetitions];
    double[] batchBaseline = new double[repetitions];
    double[] batchSizes = new double[repetitions];
    double[] secured = new double[repetitions];
    double[] securedAllocated = new double[repetitions];
    double[] selecting = new double[repetitions];
    double[] capture = new double[repetitions];
    double[] closing = new double[repetitions];
    double[] allocated = new double[repetitions];
    double[] lost = new double[repetitions];
    for (int r = 0; r < repetitions; r++) {
      baseline[r] = measureBaseline();
      batchBaseline[r] = measureBatchBaseline();
      batchSizes[r] = lastBatchSize;
      selecting[r] = measureSelectorBaseline();
      double[] measured = measureCapture(null, sealing.equals("sealed") ? sealed : plain);
      capture[r] = measured[0];
      closing[r] = measured[1];
      allocated[r] = measured[2];
      lost[r] = measured[3];
      System.out.printf("  repetition %d: raw blocking %.0f, raw recvmmsg %.0f (%.1f a call), raw selector %.0f,"
          + " capture while open %.0f, with close %.0f ns/packet; capture allocated %.1f B/packet, missed %.0f"
          + " packets%n", r + 1, baseline[r], batchBaseline[r], batchSizes[r], selecting[r], capture[r], capture[r] + closing[r], allocated[r], lost[r]);
      for (int m = 1; m < receives.size(); m++) {
        double[] measuredOther = measureCapture(null, plain, receives.get(m));
        others[m][r] = measuredOther[0];
        lost[r] += measuredOther[3];
        System.out.printf("  repetition %d, sockets read %s: capture while open %.0f ns/packet, %.2f x %s;"
            + " allocated %.1f B/packet, missed %.0f packets%n", r + 1, name(receives.get(m)), others[m][r],
            others[m][r] / capture[r], name(receives.get(0)), measuredOther[2], measuredOther[3]);
      }
      if (sealing.equals("both")) {
        double[] withSealing = measureCapture(null, sealed);
        sealedCapture[r] = withSealing[0];
        sealedClosing[r] = withSealing[1];
        lost[r] += withSealing[3];
        System.out.printf("  repetition %d, sealed: capture while open %.0f, with close %.0f ns/packet; allocated %.1f"
            + " B/packet, missed %.0f packets%n", r + 1, withSealing[0], withSealing[0] + withSealing[1],
            withSealing[2], withSealing[3]);
      }
      if (srtp != null) {
        double[] srtpMedia = measureCapture(srtp, plain);
        secured[r] = srtpMedia[0];
        securedAllocated[r] = srtpMedia[2];
        System.out.printf("  repetition %d: capture of SRTP (%s) while open %.0f ns/packet, %.2f x plain;"
            + " allocated %.1f B/packet, missed %.0f packets%n", r + 1, srtp, secured[r], secured[r] / capture[r],
            securedAllocated[r], srtpMedia[3]);
      }
    }
    double base = median(baseline);
    double select = median(selecting);
    double media = median(capture);
    double close = median(closing);
    long perStream = sentPerMeasurement() / (2L * calls);
    System.out.printf("raw UDP receive, blocking, 1 socket:       %8.0f ns CPU per packet (median)%n", base);
    System.out.printf("raw UDP receive, recvmmsg, 1 socket:       %8.0f ns CPU per packet (median; %.1f datagrams a"
        + " call)%n", median(batchBaseline), median(batchSizes));
    System.out.printf("raw UDP receive, selector, %5d sockets:   %8.0f ns CPU per packet (median)%n", 2 * calls,
        select);
    System.out.printf("MediaCapture receive+place+periodic WAV:   %8.0f ns CPU per packet (median, calls open)%n",
        media);
    System.out.printf("MediaCapture closing calls (write, fsync): %8.0f ns CPU per packet (median; %.0f us per call,"
        + " amortised over %d packets per stream)%n", close, close * sentPerMeasurement() / calls / 1000, perStream);
    System.out.printf("MediaCapture heap allocation:              %8.1f bytes per packet (median, calls open)%n",
        median(allocated));
    System.out.printf("MediaCapture packets sent but not received: %7.0f (median)%n", median(lost));
    System.out.printf("ratio capture/raw blocking:                %8.2f%n", media / base);
    System.out.printf("ratio capture/raw selector:                %8.2f%n", media / select);
    System.out.printf("ratio capture/raw recvmmsg:                %8.2f%n", media / median(batchBaseline));
    System.out.printf("two-stream calls per core at 50 packets/s per stream: %.0f (sockets read %s)%n",
        1e9 / (media * 100), name(receives.get(0)));
    for (int m = 1; m < receives.size(); m++) {
      double other = median(others[m]);
      String first = name(receives.get(0));
      String named = name(receives.get(m));
      System.out.printf("MediaCapture, sockets read %-6s           %8.0f ns CPU per packet (median, calls open)%n",
          named + ":", other);
      System.out.printf("ratio %s/%s capture:                %8.2f (median of the repetitions' own: %.2f)%n", first,
          named, media / other, medianRatio(capture, others[m]));
      System.out.printf("ratio %s capture/raw blocking, selector: %6.2f, %.2f%n", named, other / base,
          other / select);
      System.out.printf("two-stream calls per core, sockets read %s: %.0f%n", named, 1e9 / (other * 100));
    }
    if (srtp != null) {
      double secure = median(secured);
      System.out.printf("MediaCapture of SRTP (%s):   %8.0f ns CPU per packet (median, calls open)%n", srtp,
          secure);
      System.out.printf("MediaCapture of SRTP heap allocation:      %8.1f bytes per packet (median)%n",
          median(securedAllocated));
      System.out.printf("ratio SRTP/plain capture:                  %8.2f (medians of the same run)%n",
          secure / media);
      System.out.printf("two-stream SRTP calls per core:            %8.0f%n", 1e9 / (secure * 100));
    }
    if (sealing.equals("both")) {
      System.out.printf("sealed capture receive+place+periodic WAV: %8.0f ns CPU per packet (median, calls open)%n",
          median(sealedCapture));
      System.out.printf("sealed capture closing calls:              %8.0f ns CPU per packet (median)%n",
          median(sealedClosing));
      System.out.printf("ratio sealed/plain capture:                %8.2f (median of the repetitions' own: %.2f)%n",
          median(sealedCapture) / media, medianRatio(sealedCapture, capture));
    }
    System.out.println("load average at the end: " + loadAverage());
  }

  private static String name(ReceiveMode mode) {
    return mode.name().toLowerCase();
  }

  /** The one-minute load average, as the kernel reports it. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private long sentPerMeasurement() {
    return paced ? 100L * calls * seconds : packets;
  }

  /** Sends this run's load to {@code ports}; {@code received} paces the burst load. */
  private long sendLoad(LoopbackRtpSender sender, List<Integer> ports, LongSupplier received) throws IOException {
    return paced ? sender.sendPaced(ports, seconds) : sender.send(ports, packets, received);
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
      sendLoad(sender, Collections.nCopies(2 * calls, port), received::get);
      awaitQuiet(received);
      socket.close();
      receiver.join();
      return (double) cpu[0] / Math.max(1, received.get());
    }
  }

  /**
   * CPU ns per packet of one thread reading one socket in batches ({@code recvmmsg}, as the capture does) each time a
   * selector says it is readable, the same load as {@link #measureBaseline}; NaN when batch receive cannot run here.
   */
  private double measureBatchBaseline() throws Exception {
    if (io.tandem.capture.rtp.BareBatchReceive.unavailable() != null) {
      return Double.NaN;
    }
    AtomicLong received = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    try (DatagramChannel socket = DatagramChannel.open(); LoopbackRtpSender sender = new LoopbackRtpSender()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      socket.configureBlocking(false);
      int port = socket.socket().getLocalPort();
      long[] cpu = new long[1];
      long[] batches = new long[1];
      Thread receiver = new Thread(() -> {
        long start = ThreadCpu.ofThread(Thread.currentThread().threadId());
        try {
          batches[0] = io.tandem.capture.rtp.BareBatchReceive.readUntilStopped(socket, running, received, PACE_MS);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        cpu[0] = ThreadCpu.ofThread(Thread.currentThread().threadId()) - start;
      }, "bench-raw-batch");
      receiver.start();
      sendLoad(sender, Collections.nCopies(2 * calls, port), received::get);
      awaitQuiet(received);
      running.set(false);
      receiver.join();
      lastBatchSize = (double) received.get() / Math.max(1, batches[0]);
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
      sendLoad(sender, ports, received::get);
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
   * Per packet received, of the capture and finisher threads: {@code [0]} CPU ns from the first packet
   * to the last received, {@code [1]} CPU ns for closing every call and finalising its WAV, {@code [2]}
   * heap bytes allocated while the calls were open; {@code [3]} the packets sent but not received.
   */
  private static double medianRatio(double[] over, double[] under) {
    double[] ratios = new double[over.length];
    for (int i = 0; i < over.length; i++) {
      ratios[i] = over[i] / under[i];
    }
    return median(ratios);
  }

  private double[] measureCapture(SrtpSuite suite, MediaFiles files) throws Exception {
    return measureCapture(suite, files, receives.get(0));
  }

  private double[] measureCapture(SrtpSuite suite, MediaFiles files, ReceiveMode receive) throws Exception {
    Path dataDir = Files.createTempDirectory("rtp-capture-bench");
    int base = 20000 + 2 * (int) (Math.random() * 10000);
    RtpPortPool pool = new RtpPortPool(base, base + 4 * calls + 200);
    MediaCapture capture = new MediaCapture("127.0.0.1", pool, dataDir, Clock.systemUTC(),
        settings.withReceive(receive), files);
    List<SdesCrypto> keys = new ArrayList<>();
    for (int stream = 0; suite != null && stream < 2 * calls; stream++) {
      keys.add(SdesCrypto.random(1, suite));
    }
    try (LoopbackRtpSender sender = new LoopbackRtpSender(payloadType,
        keys.stream().map(SrtpSender::new).toList())) {
      List<CallMedia> opened = new ArrayList<>();
      List<Integer> ports = new ArrayList<>();
      for (int c = 0; c < calls; c++) {
        CallMedia call = capture.open("bench/call-" + c + ".wav", List.of(stream(0, keys, 2 * c),
            stream(1, keys, 2 * c + 1)));
        opened.add(call);
        ports.addAll(call.ports());
      }
      long before = ThreadCpu.ofThreadsNamed("rtp-");
      long allocatedBefore = ThreadCpu.allocatedByThreadsNamed("rtp-");
      long sent = sendLoad(sender, ports, () -> capture.counters().packetsReceived());
      awaitQuiet(() -> capture.counters().packetsReceived());
      long received = Math.max(1, capture.counters().packetsReceived());
      long open = ThreadCpu.ofThreadsNamed("rtp-");
      long allocated = ThreadCpu.allocatedByThreadsNamed("rtp-") - allocatedBefore;
      for (CallMedia call : opened) {
        capture.close(call).get(30, TimeUnit.SECONDS);
      }
      long closed = ThreadCpu.ofThreadsNamed("rtp-");
      return new double[] {(double) (open - before) / received, (double) (closed - open) / received,
          (double) allocated / received, sent - capture.counters().packetsReceived()};
    } finally {
      capture.stop();
      deleteTree(dataDir);
    }
  }

  /** A PCMU stream on {@code channel}, as SRTP under {@code keys[index]} when there are keys. */
  private static StreamSpec stream(int channel, List<SdesCrypto> keys, int index) {
    if (keys.isEmpty()) {
      return new StreamSpec(channel, G711.PCMU);
    }
    return new StreamSpec(channel, List.of(PayloadFormat.of(G711.PCMU, "PCMU/8000", null)), keys.get(index));
  }

  private static void awaitQuiet(AtomicLong counter) throws InterruptedException {
    awaitQuiet(counter::get);
  }

  /** Returns once the counter has not moved for 100 ms: every packet still in flight has landed. */
  private static void awaitQuiet(LongSupplier counter) throws InterruptedException {
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
