package io.tandem.capture.rtp;

import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.srtp.SrtpReceiver;
import io.tandem.media.AudioEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture thread: receives the RTP sockets of its calls, places and periodically writes their
 * media. Rounds of receiving run once per tick of the receive interval, so that at real rates each
 * round finds many datagrams waiting instead of waking for every packet; commands and flushes are
 * not held back by it. A socket is watched by a selector until a datagram comes; then, while its
 * stream keeps its pace, it is read at the tick its next datagram is due, without selecting it (see
 * {@link ReceivePace}). A read takes the datagrams a socket holds, up to its budget, with one system call when
 * {@link ReceiveChoice} picked batch receive, else one receive each; either way each datagram is placed alike.
 * Every call's state is confined to this thread; other threads hand it work through {@link #execute}, so the
 * packet path takes no lock.
 */
final class CaptureLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(CaptureLoop.class);
  /**
   * A round this long after the one before (ten receive intervals) means this thread was held up; streams
   * may then hold datagrams that waited longer than a poll span.
   */
  static final long LATE_ROUND_MILLIS = 50;
  private static final int G711_CLOCK = 8000;
  /** 20 ms of timeline frames: the length given to a packet whose encoding does not tell its own. */
  private static final int DEFAULT_FRAMES = 160;
  final AtomicLong packetsReceived = new AtomicLong();
  final AtomicLong packetsIgnored = new AtomicLong();
  final AtomicLong packetsMalformed = new AtomicLong();
  final AtomicLong packetsLost = new AtomicLong();
  final AtomicLong foreignSource = new AtomicLong();
  final AtomicLong sourceTakeovers = new AtomicLong();
  final AtomicLong srtpUnauthentic = new AtomicLong();
  final AtomicLong srtpReplayed = new AtomicLong();
  final AtomicLong timestampJumps = new AtomicLong();

  private final Selector selector;
  private final InstantSource clock;
  private final long jitterMillis;
  private final long flushMillis;
  private final long receiveIntervalNanos;
  /** How long a stream must be silent before a new source may take it; 0: never. */
  private final long takeoverMillis;
  /** Whether streams at their pace are polled by tick rather than selected: {@link CaptureSettings#pollSpanSamples}. */
  private final boolean polling;
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final List<CallRecording> calls = new ArrayList<>();
  private final RtpPacket packet = new RtpPacket();
  /** Direct, so a receive lands in it without a temporary native buffer; copied once for parsing. */
  private final ByteBuffer datagram = ByteBuffer.allocateDirect(2048);
  private final byte[] datagramBytes = new byte[2048];
  /** Reads a socket's datagrams a batch per system call; null: one {@link DatagramChannel#receive} per datagram. */
  private final BatchReceiver batch;
  private final PcmBlockWriter writer = new PcmBlockWriter();
  private final Consumer<SelectionKey> onReadable = this::receiveAll;
  private final Consumer<StreamTimeline> onDue = this::poll;
  private final PollWheel wheel = new PollWheel();
  private final Thread thread;
  private volatile boolean running = true;
  private long round;
  /** Whether a round came late since the last flush; the flush then reads every socket first. */
  private boolean lateSinceFlush;
  /** When the last round reached its flush check. */
  private long lastRoundMillis;
  /** Flushes that read every socket first because a round came late; written by this thread only. */
  volatile long drainsAfterLateRounds;
  /** The clock as first read in this select round, or -1: one read serves every packet of the round. */
  private long roundMillis = -1;
  /** The receive interval's tick of this select round, counted from {@link #tickOrigin}, or -1. */
  private long roundTick = -1;
  private final long tickOrigin = System.nanoTime();

  CaptureLoop(String name, InstantSource clock, CaptureSettings settings) {
    // A drain takes up to a budget's worth of datagrams in one call.
    this.batch = ReceiveChoice.receiver(settings.receive(), ReceiveBudget.MAX, datagramBytes.length);
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for RTP capture", e);
    }
    this.clock = clock;
    this.jitterMillis = settings.jitterDelay().toMillis();
    this.flushMillis = settings.flushInterval().toMillis();
    this.receiveIntervalNanos = settings.receiveInterval().toNanos();
    this.takeoverMillis = settings.sourceTakeover().toMillis();
    this.polling = settings.pollSpanSamples() > 0;
    this.thread = new Thread(this, name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  PcmBlockWriter writer() {
    return writer;
  }

  /** Runs {@code command} on this loop's thread, soon. */
  void execute(Runnable command) {
    commands.add(command);
    selector.wakeup();
    LockSupport.unpark(thread);
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  int openCalls() {
    return calls.size();
  }

  @Override
  public void run() {
    long now = clock.millis();
    long nextFlush = now + flushMillis;
    lastRoundMillis = now;
    while (running) {
      try {
        round++;
        roundMillis = -1;
        roundTick = -1;
        // Time this thread waited for datagrams because none had come: the one wait a round may take.
        long idleMillis = 0;
        if (wheel.size() > 0) {
          selector.selectNow(onReadable);
        } else {
          selector.select(onReadable, Math.max(1, nextFlush - now));
          idleMillis = clock.millis() - now;
        }
        if (polling) {
          wheel.takeDue(roundTick(), onDue);
        }
        runCommands();
        now = clock.millis();
        // Measured from round to round, less the wait for datagrams: a thread held up anywhere else shows.
        // Polled streams let datagrams wait in their sockets, and so does a selected one past its budget.
        lateSinceFlush |= now - lastRoundMillis - idleMillis > LATE_ROUND_MILLIS;
        lastRoundMillis = now;
        if (now >= nextFlush) {
          flushDue(now);
          nextFlush = now + flushMillis;
        }
        letDatagramsGather(nextFlush - now);
        now = clock.millis();
      } catch (IOException | RuntimeException e) {
        // One bad turn must not end capture for every call of this thread.
        log.error("RTP capture loop {} failed a turn; carrying on", thread.getName(), e);
      }
    }
    closeSelector();
    if (batch != null) {
      batch.close();
    }
  }

  /**
   * Waits for the next tick of the receive interval, unless a command is waiting ({@link #execute}
   * unparks this thread) or a flush falls due first. Rounds start just after a tick begins, so a
   * stream polled every few ticks is polled at the tick it is due.
   */
  private void letDatagramsGather(long untilFlushMillis) {
    if (receiveIntervalNanos == 0) {
      return;
    }
    long sinceOrigin = System.nanoTime() - tickOrigin;
    long rest = Math.min(receiveIntervalNanos - sinceOrigin % receiveIntervalNanos,
        TimeUnit.MILLISECONDS.toNanos(untilFlushMillis));
    if (rest > 0 && running && commands.isEmpty()) {
      LockSupport.parkNanos(this, rest);
    }
  }

  /** The receive interval's tick of this round, read once per round. */
  private long roundTick() {
    if (roundTick < 0) {
      roundTick = (System.nanoTime() - tickOrigin) / receiveIntervalNanos;
    }
    return roundTick;
  }

  /** Starts receiving a call's streams; runs on this thread. */
  void register(CallRecording call) throws IOException {
    for (StreamTimeline stream : call.streams) {
      if (batch != null) {
        stream.descriptor = SocketDescriptor.of(stream.socket);
        stream.lastSender = new LastSender();
      }
      stream.pace.key = stream.socket.register(selector, SelectionKey.OP_READ, stream);
    }
    calls.add(call);
  }

  /**
   * Stops a call: takes what its sockets still hold, closes them, and writes every sample received.
   * Runs on this thread.
   */
  void stopReceiving(CallRecording call, RtpPortPool ports) {
    if (!call.markStopped()) {
      return;
    }
    for (StreamTimeline stream : call.streams) {
      SelectionKey key = stream.socket.keyFor(selector);
      if (key != null) {
        drain(stream);
        key.cancel();
      }
    }
    try {
      // Deregisters the cancelled keys so that closing the sockets frees their ports at once.
      selector.selectNow(onReadable);
    } catch (IOException e) {
      log.warn("RTP capture loop {} could not deregister closed streams", thread.getName(), e);
    }
    for (StreamTimeline stream : call.streams) {
      closeQuietly(stream.socket);
      ports.release(stream.port);
    }
    call.flushAll();
    packetsLost.addAndGet(call.packetsLost());
    calls.remove(call);
  }

  void shutDown() {
    running = false;
    selector.wakeup();
    LockSupport.unpark(thread);
  }

  void join() throws InterruptedException {
    thread.join();
  }

  List<CallRecording> calls() {
    return List.copyOf(calls);
  }

  private void receiveAll(SelectionKey key) {
    StreamTimeline stream = (StreamTimeline) key.attachment();
    ReceiveBudget budget = stream.budget;
    int limit = budget.limit();
    int received = receive(stream, limit, 0);
    // A socket left with packets stays selected, so the next round takes the rest.
    budget.turnEnded(round, received < limit);
    if (polling && received > 0 && stream.pace.pollable() && !stream.call.isStopped()) {
      stream.pace.startPolling(received < limit);
      key.interestOps(0);
      wheel.schedule(stream, roundTick() + stream.pace.ticksToNext(receiveIntervalNanos));
    }
  }

  /** Reads a polled stream at the tick its datagram was due, or later when the round is late. */
  private void poll(StreamTimeline stream) {
    if (stream.call.isStopped()) {
      // Its socket is closed; the call took what it held when it stopped.
      return;
    }
    ReceivePace pace = stream.pace;
    long tick = roundTick();
    long ticksToNext = pace.ticksToNext(receiveIntervalNanos);
    // One batch takes what the socket holds for the same system call, so a poll then reads it until empty.
    int limit = batch != null ? ReceiveBudget.MAX : pace.limit(tick, ticksToNext);
    int received = receive(stream, limit, pace.expected(tick, ticksToNext));
    if (!pace.pollEnded(received, limit == ReceiveBudget.MAX, received < limit) || !pace.pollable()) {
      pace.key.interestOps(SelectionKey.OP_READ);
    } else if (pace.retryNextTick()) {
      wheel.schedule(stream, tick + 1);
    } else {
      wheel.schedule(stream, tick + ticksToNext);
    }
  }

  private void drain(StreamTimeline stream) {
    while (receive(stream, ReceiveBudget.MAX, 0) == ReceiveBudget.MAX) {
      // The socket may hold more.
    }
  }

  /**
   * Takes datagrams from the stream's socket. A poll finds datagrams that waited in it: their arrival is
   * taken as early as the stream's pace allows for the {@code expected} ones (0 for a selected socket), so
   * that a new SSRC continuing the stream joins on where the old one ended (a stream is never anchored
   * before its end) rather than where it was read, after a gap.
   *
   * @return how many datagrams were taken before the socket was empty or {@code maxDatagrams} reached
   */
  private int receive(StreamTimeline stream, int maxDatagrams, int expected) {
    if (batch != null) {
      return receiveBatches(stream, maxDatagrams, expected);
    }
    DatagramChannel socket = stream.socket;
    int received = 0;
    try {
      while (received < maxDatagrams) {
        datagram.clear();
        SocketAddress source = socket.receive(datagram);
        if (source == null) {
          return received;
        }
        received++;
        int length = datagram.position();
        datagram.get(0, datagramBytes, 0, length);
        if (source != stream.source && !fromLatchedSource(stream, source)) {
          continue;
        }
        long arrival = roundMillis() - stream.pace.waitedMillis(received - 1, expected);
        accept(stream, length, stream.call.arrivalPosition(arrival), source);
      }
    } catch (IOException e) {
      packetsMalformed.lazySet(packetsMalformed.get() + 1);
    }
    return received;
  }

  /** As {@link #receive}, a batch of datagrams per system call; each is placed as a plain receive places it. */
  private int receiveBatches(StreamTimeline stream, int maxDatagrams, int expected) {
    int received = 0;
    try {
      while (received < maxDatagrams) {
        int asked = Math.min(maxDatagrams - received, batch.capacity());
        int taken = batch.receive(stream.descriptor, asked);
        for (int i = 0; i < taken; i++) {
          received++;
          int length = batch.copy(i, datagramBytes);
          SocketAddress source = batch.source(i, stream.lastSender);
          if (source == null) {
            // Neither IPv4 nor IPv6: nothing an RTP sender sends from.
            packetsMalformed.lazySet(packetsMalformed.get() + 1);
            continue;
          }
          if (source != stream.source && !fromLatchedSource(stream, source)) {
            continue;
          }
          long arrival = roundMillis() - stream.pace.waitedMillis(received - 1, expected);
          accept(stream, length, stream.call.arrivalPosition(arrival), source);
        }
        if (taken < asked) {
          return received;
        }
      }
    } catch (IOException e) {
      packetsMalformed.lazySet(packetsMalformed.get() + 1);
    }
    return received;
  }

  private long roundMillis() {
    if (roundMillis < 0) {
      roundMillis = clock.millis();
    }
    return roundMillis;
  }

  /**
   * Whether a datagram whose source is not the very address object the stream latched to may go on: it is the
   * same address, or the stream has not latched yet, or it has been silent long enough for a new source to take
   * it. Others are counted and dropped. (The channel hands back the same address object while the sender stays.)
   */
  private boolean fromLatchedSource(StreamTimeline stream, SocketAddress source) {
    SocketAddress latched = stream.source;
    if (latched == null || latched.equals(source) || stream.moved
        || (takeoverMillis > 0 && roundMillis() - stream.lastPacketMillis >= takeoverMillis)) {
      return true;
    }
    foreignSource.lazySet(foreignSource.get() + 1);
    return false;
  }

  /**
   * Takes one datagram of the stream: an SRTP one is authenticated and decrypted first (refused ones counted and
   * dropped); the first valid packet latches the stream to its source, or takes it over for a new source after
   * silence.
   */
  private void accept(StreamTimeline stream, int length, long arrival, SocketAddress source) {
    SrtpReceiver srtp = stream.srtp;
    if (srtp != null) {
      length = srtp.unprotect(datagramBytes, length);
      if (length < 0) {
        refused(length);
        return;
      }
    }
    if (!packet.parse(datagramBytes, 0, length)) {
      packetsMalformed.lazySet(packetsMalformed.get() + 1);
      return;
    }
    if (source != stream.source) {
      latch(stream, source);
    }
    stream.lastPacketMillis = roundMillis();
    short[] table = stream.payloads.g711(packet.payloadType());
    if (table == null) {
      acceptOther(stream, arrival);
      return;
    }
    packetsReceived.lazySet(packetsReceived.get() + 1);
    stream.pace.packetSamples(packet.payloadLength());
    stream.call.countReceived();
    stream.place(packet, arrival, G711_CLOCK, packet.payloadLength(), table);
  }

  private void latch(StreamTimeline stream, SocketAddress source) {
    SocketAddress before = stream.source;
    stream.source = source;
    if (before != null && !before.equals(source)) {
      stream.moved = false;
      sourceTakeovers.lazySet(sourceTakeovers.get() + 1);
      log.info("RTP stream on port {} taken by {} from {} ({} ms after its last packet)", stream.port, source,
          before, roundMillis() - stream.lastPacketMillis);
    }
  }

  private void refused(int code) {
    AtomicLong counter = switch (code) {
      case SrtpReceiver.UNAUTHENTIC -> srtpUnauthentic;
      case SrtpReceiver.REPLAYED -> srtpReplayed;
      default -> packetsMalformed;
    };
    counter.lazySet(counter.get() + 1);
  }

  /**
   * A packet other than G.711: audio is placed and kept raw in the call's payload log, telephone-event taken
   * as DTMF (and kept raw too), comfort noise counted and left silent; a payload type the stream does not
   * know is counted as ignored.
   */
  private void acceptOther(StreamTimeline stream, long arrival) {
    int type = packet.payloadType();
    PayloadFormat format = stream.payloads.format(type);
    if (format == null) {
      packetsIgnored.lazySet(packetsIgnored.get() + 1);
      return;
    }
    packetsReceived.lazySet(packetsReceived.get() + 1);
    stream.call.countReceived();
    AudioEncoding encoding = stream.payloads.encoding(type);
    if (encoding == AudioEncoding.TELEPHONE_EVENT) {
      stream.telephoneEvent(packet, format, arrival);
      return;
    }
    if (encoding == AudioEncoding.CN) {
      stream.count(packet);
      return;
    }
    int frames = encoding.frames(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
    if (frames <= 0) {
      // Its length does not say how long it plays: taken as the usual 20 ms, kept raw all the same.
      frames = DEFAULT_FRAMES;
    }
    stream.pace.packetSamples(frames);
    long position = stream.place(packet, arrival, format.clockRate(), frames, null);
    if (position >= 0) {
      stream.call.payloads.packet(stream.channel, format, packet, position);
    }
  }

  private void runCommands() {
    Runnable command;
    while ((command = commands.poll()) != null) {
      try {
        command.run();
      } catch (RuntimeException e) {
        log.error("RTP capture loop {} failed a command", thread.getName(), e);
      }
    }
  }

  /**
   * Writes what is older than the jitter delay. After a late round (this thread starved of CPU, say), the
   * streams not yet polled since, and selected ones past their budget, may hold datagrams older than that in
   * their sockets; every socket is read until empty first, so that a stall of this thread never turns into
   * audio written as silence.
   */
  private void flushDue(long now) {
    if (lateSinceFlush) {
      lateSinceFlush = false;
      for (int i = 0; i < calls.size(); i++) {
        for (StreamTimeline stream : calls.get(i).streams) {
          drain(stream);
        }
      }
      drainsAfterLateRounds++;
    }
    for (int i = 0; i < calls.size(); i++) {
      calls.get(i).flushDue(now, jitterMillis);
    }
  }

  private void closeSelector() {
    try {
      selector.close();
    } catch (IOException | ClosedSelectorException e) {
      log.warn("RTP capture loop {} could not close its selector", thread.getName(), e);
    }
  }

  private static void closeQuietly(DatagramChannel socket) {
    try {
      socket.close();
    } catch (IOException e) {
      log.warn("could not close RTP socket", e);
    }
  }
}
