package io.tandem.capture.rtp;

import io.tandem.call.DtmfEvent;
import io.tandem.call.MediaStats;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.srtp.SdesCrypto;
import io.tandem.capture.srtp.SrtpReceiver;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.WavFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's RTP engine: receives each call's streams on UDP ports from a pool, each stream from the first
 * source that sends it a valid packet (see {@link CaptureSettings} for a new source after silence), SRTP
 * authenticated and decrypted before anything is placed, and writes them as one 8 kHz WAV per call, one channel
 * per stream, lined up in time. G.711 is
 * decoded on the spot; other audio is placed and its payload kept raw in the call's {@link PayloadLog} for
 * decoding later, its place in the WAV silent until then; telephone-event becomes the call's DTMF events.
 * Audio older than the jitter delay is written every flush interval, with the payload log, so a killed
 * process leaves the media so far on disk (the WAV's header repaired by {@link WavFile#repair}). A closed
 * call's files are finalised and fsynced before its future completes. When the disk refuses a write (it is
 * full), that call writes nothing more, and at its close its WAV keeps the whole frames written before, with a
 * header that says so; its future then fails, and {@link #progress} counts exactly what was kept. The files are
 * made by its {@link MediaFiles}: sealed at rest when sealing is on, each flush re-sealing the call's last chunk.
 * Thread-safe: calls are spread over capture threads that own all per-call state.
 */
public final class MediaCapture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaCapture.class);
  private static final int BIND_ATTEMPTS = 8;
  private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

  private final String bindAddress;
  private final RtpPortPool ports;
  private final Path dataDir;
  private final InstantSource clock;
  private final CaptureSettings settings;
  private final MediaFiles files;
  private final CaptureLoop[] loops;
  private final ExecutorService finisher;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final AtomicLong writeFailures = new AtomicLong();
  private volatile boolean stopped;

  public MediaCapture(String bindAddress, RtpPortPool ports, Path dataDir, InstantSource clock,
      CaptureSettings settings) {
    this(bindAddress, ports, dataDir, clock, settings, MediaFiles.plain());
  }

  /** {@code files} makes each call's WAV and payload log, sealed or plain. */
  public MediaCapture(String bindAddress, RtpPortPool ports, Path dataDir, InstantSource clock,
      CaptureSettings settings, MediaFiles files) {
    this.files = Objects.requireNonNull(files, "files");
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    this.ports = Objects.requireNonNull(ports, "ports");
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.loops = new CaptureLoop[settings.threads()];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new CaptureLoop("rtp-capture-" + i, clock, settings);
    }
    this.finisher = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "rtp-finisher");
      t.setDaemon(true);
      return t;
    });
    for (CaptureLoop loop : loops) {
      loop.start();
    }
  }

  /**
   * Starts capturing a call: binds one UDP socket per stream and creates the WAV (with its parent
   * folders and a valid header) at {@code relativeWavPath} under the data directory.
   *
   * @throws IllegalArgumentException when the path leaves the data directory, the streams are empty
   *     or two share a channel
   * @throws UncheckedIOException when the file exists already or cannot be made, or no port binds
   */
  /** Runs the command on every capture thread, in its loop; for tests that hold those threads up. */
  void executeOnCaptureThreads(Runnable command) {
    for (CaptureLoop loop : loops) {
      loop.execute(command);
    }
  }

  /** Flushes that read every socket first because their thread had been held up. */
  long drainsAfterLateRounds() {
    long drains = 0;
    for (CaptureLoop loop : loops) {
      drains += loop.drainsAfterLateRounds;
    }
    return drains;
  }

  public CallMedia open(String relativeWavPath, List<StreamSpec> streams) {
    if (stopped) {
      throw new IllegalStateException("media capture is stopped; cannot open " + relativeWavPath);
    }
    Path wav = resolveInDataDir(relativeWavPath);
    int channels = channelCount(streams);
    MediaChannel file = createWav(wav, channels);
    List<DatagramChannel> sockets = new ArrayList<>();
    List<Integer> bound = new ArrayList<>();
    try {
      if (!bindRun(streams.size(), sockets, bound)) {
        for (int i = 0; i < streams.size(); i++) {
          bindStream(sockets, bound);
        }
      }
    } catch (IOException | RuntimeException e) {
      abandon(sockets, bound, file, wav);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot bind RTP sockets on " + bindAddress + " for " + relativeWavPath, io);
      }
      throw (RuntimeException) e;
    }
    CaptureLoop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    CallRecording recording = new CallRecording(wav, file, channels, settings.ringFrames(), loop.writer(), files);
    StreamTimeline[] timelines = new StreamTimeline[streams.size()];
    for (int i = 0; i < timelines.length; i++) {
      timelines[i] = new StreamTimeline(recording, streams.get(i).channel(), bound.get(i), sockets.get(i),
          settings.pollSpanSamples(), new PayloadTable(streams.get(i).formats()), loop.timestampJumps);
      timelines[i].srtp = streams.get(i).srtp() == null ? null : new SrtpReceiver(streams.get(i).srtp());
    }
    recording.streams = timelines;
    loop.execute(() -> registerOrFail(loop, recording));
    return new CallMedia(bound, wav, channels, recording, loop);
  }

  /**
   * Stops receiving the call, writes every sample received, finalises and fsyncs the WAV and frees
   * its ports. Closing twice returns the same future.
   *
   * @return completes with the final statistics once the file is durable, or with the I/O error
   */
  public CompletableFuture<MediaStats> close(CallMedia media) {
    CallRecording recording = media.recording;
    if (media.closing.compareAndSet(false, true)) {
      media.loop.execute(() -> {
        media.loop.stopReceiving(recording, ports);
        finisher.execute(() -> finish(recording));
      });
    }
    return recording.closed;
  }

  /**
   * Takes the payload formats a later offer answered for the stream on {@code channel}: its packets are read
   * by them from now on. A channel the call does not have changes nothing.
   */
  public void formats(CallMedia media, int channel, List<PayloadFormat> formats) {
    PayloadTable table = new PayloadTable(formats);
    media.loop.execute(() -> {
      for (StreamTimeline stream : media.recording.streams) {
        if (stream.channel == channel) {
          stream.payloads = table;
        }
      }
    });
  }

  /**
   * Takes the SRTP key a later offer gave the stream on {@code channel} (null: plain RTP from now on): its packets
   * are authenticated and decrypted by it from now on. A channel the call does not have changes nothing.
   */
  public void srtp(CallMedia media, int channel, SdesCrypto key) {
    SrtpReceiver receiver = key == null ? null : new SrtpReceiver(key);
    media.loop.execute(() -> {
      for (StreamTimeline stream : media.recording.streams) {
        if (stream.channel == channel) {
          stream.srtp = receiver;
        }
      }
    });
  }

  /**
   * Lets the stream on {@code channel} latch anew: a later offer, from the dialog's own SBC, moved its media
   * elsewhere. The stream keeps taking its source until another source sends it a valid packet; that one takes it.
   */
  public void relatch(CallMedia media, int channel) {
    media.loop.execute(() -> {
      for (StreamTimeline stream : media.recording.streams) {
        if (stream.channel == channel) {
          stream.moved = true;
        }
      }
    });
  }

  /** The DTMF events of a call, in order of their start, once its {@link #close} has completed. */
  public List<DtmfEvent> dtmf(CallMedia media) {
    return media.recording.dtmf;
  }

  /** The statistics as of the last periodic write (every flush interval). */
  public MediaStats progress(CallMedia media) {
    return media.recording.progress();
  }

  public CaptureCounters counters() {
    long received = 0;
    long ignored = 0;
    long malformed = 0;
    long lost = 0;
    long foreign = 0;
    long takeovers = 0;
    long unauthentic = 0;
    long replayed = 0;
    long jumps = 0;
    for (CaptureLoop loop : loops) {
      received += loop.packetsReceived.get();
      ignored += loop.packetsIgnored.get();
      malformed += loop.packetsMalformed.get();
      lost += loop.packetsLost.get();
      foreign += loop.foreignSource.get();
      takeovers += loop.sourceTakeovers.get();
      unauthentic += loop.srtpUnauthentic.get();
      replayed += loop.srtpReplayed.get();
      jumps += loop.timestampJumps.get();
    }
    return new CaptureCounters(received, ignored, malformed, lost, openCallCount(), foreign, takeovers, unauthentic,
        replayed, jumps);
  }

  /** Calls whose media could not all be written (a full disk): each kept what reached its file, and ended truncated. */
  public long writeFailures() {
    return writeFailures.get();
  }

  /** Closes every open call (finalising its WAV), then the capture threads. Idempotent. */
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    CountDownLatch drained = new CountDownLatch(loops.length);
    for (CaptureLoop loop : loops) {
      loop.execute(() -> {
        for (CallRecording call : loop.calls()) {
          loop.stopReceiving(call, ports);
          finisher.execute(() -> finish(call));
        }
        loop.shutDown();
        drained.countDown();
      });
    }
    try {
      drained.await(30, TimeUnit.SECONDS);
      for (CaptureLoop loop : loops) {
        loop.join();
      }
      finisher.shutdown();
      finisher.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private int openCallCount() {
    int open = 0;
    for (CaptureLoop loop : loops) {
      open += loop.openCalls();
    }
    return open;
  }

  private void registerOrFail(CaptureLoop loop, CallRecording recording) {
    try {
      loop.register(recording);
    } catch (IOException | RuntimeException e) {
      loop.stopReceiving(recording, ports);
      recording.closed.completeExceptionally(e);
    }
  }

  private void finish(CallRecording recording) {
    MediaStats stats = recording.stats();
    try (MediaChannel file = recording.file) {
      IOException payloadFailure = closePayloads(recording);
      if (recording.failure() != null) {
        throw recording.failure();
      }
      if (payloadFailure != null) {
        throw payloadFailure;
      }
      WavFile.writeHeader(file, recording.channels, stats.bytes());
      file.force();
      recording.closed.complete(stats);
    } catch (IOException | RuntimeException e) {
      writeFailures.incrementAndGet();
      keepWhatWasWritten(recording, e);
      recording.closed.completeExceptionally(e);
    }
  }

  private static IOException closePayloads(CallRecording recording) {
    try {
      recording.payloads.close();
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  /**
   * After a write that failed (a full disk): the WAV keeps the whole frames that reached it, with a header that
   * says so, durably; the call's statistics then count exactly those.
   */
  private void keepWhatWasWritten(CallRecording recording, Exception failure) {
    try (MediaChannel file = files.recover(recording.wav)) {
      recording.settle(WavFile.repair(file, recording.wav, recording.channels));
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
      log.error("media file {} could not be settled after a failed write; a restart repairs it", recording.wav, e);
    }
  }

  /**
   * Binds the streams to a consecutive run of ports when the pool has one; false (with nothing bound)
   * when it has none or another process took one of them meanwhile.
   */
  private boolean bindRun(int count, List<DatagramChannel> sockets, List<Integer> bound) throws IOException {
    List<Integer> run = ports.allocateRun(count);
    if (run.isEmpty()) {
      return false;
    }
    List<DatagramChannel> opened = new ArrayList<>();
    try {
      for (int port : run) {
        DatagramChannel socket = DatagramChannel.open();
        opened.add(socket);
        socket.bind(new InetSocketAddress(bindAddress, port));
        configure(socket);
      }
    } catch (IOException | RuntimeException e) {
      for (DatagramChannel socket : opened) {
        socket.close();
      }
      run.forEach(ports::release);
      if (e instanceof BindException) {
        return false;
      }
      throw e;
    }
    sockets.addAll(opened);
    bound.addAll(run);
    return true;
  }

  /**
   * Non-blocking, with a receive buffer that rides out a capture thread kept off its core for seconds on
   * a loaded machine (the system default holds about a hundred datagrams); the kernel caps it at its
   * maximum, and it costs memory only while datagrams wait in it.
   */
  private static void configure(DatagramChannel socket) throws IOException {
    socket.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
    socket.configureBlocking(false);
  }

  private void bindStream(List<DatagramChannel> sockets, List<Integer> bound) throws IOException {
    BindException last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      int port = ports.allocate();
      DatagramChannel socket = DatagramChannel.open();
      try {
        socket.bind(new InetSocketAddress(bindAddress, port));
        configure(socket);
        sockets.add(socket);
        bound.add(port);
        return;
      } catch (BindException e) {
        // Another process took the port between the pool's probe and this bind; try the next one.
        socket.close();
        ports.release(port);
        last = e;
      } catch (IOException | RuntimeException e) {
        socket.close();
        ports.release(port);
        throw e;
      }
    }
    throw last;
  }

  private void abandon(List<DatagramChannel> sockets, List<Integer> bound, MediaChannel file, Path wav) {
    for (DatagramChannel socket : sockets) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing a socket that never received anything cannot lose media.
      }
    }
    bound.forEach(ports::release);
    try {
      file.close();
      Files.deleteIfExists(wav);
    } catch (IOException ignored) {
      // An empty WAV left behind holds no media; the call failed to open and is reported by the throw.
    }
  }

  private Path resolveInDataDir(String relativeWavPath) {
    Objects.requireNonNull(relativeWavPath, "relativeWavPath");
    Path relative = Path.of(relativeWavPath);
    Path wav = dataDir.resolve(relative).normalize();
    if (relative.isAbsolute() || !wav.startsWith(dataDir) || wav.equals(dataDir)) {
      throw new IllegalArgumentException("expected a WAV path inside the data directory, got " + relativeWavPath);
    }
    return wav;
  }

  private static int channelCount(List<StreamSpec> streams) {
    if (streams == null || streams.isEmpty()) {
      throw new IllegalArgumentException("expected at least one stream");
    }
    Set<Integer> channels = new HashSet<>();
    int highest = 0;
    for (StreamSpec stream : streams) {
      if (!channels.add(stream.channel())) {
        throw new IllegalArgumentException("expected one stream per channel, channel " + stream.channel() + " twice");
      }
      highest = Math.max(highest, stream.channel());
    }
    return highest + 1;
  }

  private MediaChannel createWav(Path wav, int channels) {
    try {
      MediaChannel file = files.create(wav);
      try {
        WavFile.writeHeader(file, channels, 0);
      } catch (IOException e) {
        file.close();
        throw e;
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create media file " + wav, e);
    }
  }
}
