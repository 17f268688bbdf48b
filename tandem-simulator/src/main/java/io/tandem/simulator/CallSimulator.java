package io.tandem.simulator;

import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.srtp.SdesCrypto;
import io.tandem.capture.srtp.SrtpSender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A SIPREC client that behaves like an SBC: starts conversations at the plan's rate and forks each to every
 * recorder of its pair (the plan's pairs taken in turn), with the same session id or one of its own per recorder as the plan says, streaming two tones per
 * call in real time, as SRTP with keys of its offer when the plan says so. {@link #run()} blocks
 * until every conversation has ended; one simulator runs one plan at a time.
 */
public final class CallSimulator {
  private final SimulationPlan plan;
  private final Clock clock;

  public CallSimulator(SimulationPlan plan) {
    this(plan, Clock.systemUTC());
  }

  public CallSimulator(SimulationPlan plan, Clock clock) {
    this.plan = plan;
    this.clock = clock;
  }

  /**
   * Runs the plan and lists every conversation sent in the report. Calls that fail on a recorder are counted,
   * never thrown.
   *
   * @throws UncheckedIOException when the local SIP or RTP socket cannot be opened
   */
  public SimulationReport run() {
    return run(true);
  }

  /**
   * Runs the plan as {@link #run()} does but keeps nothing per conversation, so that memory stays flat
   * however long it runs (an endless feed): the report's list of conversations is empty.
   */
  public SimulationReport runUnlisted() {
    return run(false);
  }

  private SimulationReport run(boolean listed) {
    Map<String, AtomicInteger> completed = new LinkedHashMap<>();
    plan.recorders().forEach(recorder -> completed.put(RecorderLeg.hostPort(recorder), new AtomicInteger()));
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<Throwable> unexpected = new AtomicReference<>();
    List<ConversationSent> sent = new ArrayList<>();
    int sentCount = 0;
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("simulator-sip-timers").factory());
    InetAddress local = SourceAddress.toward(plan.recorders());
    try (RtpPacer pacer = new RtpPacer(local);
        SipClientTransport transport = SipClientTransport.open(plan, timers, local)) {
      // Closing the executor waits for every conversation to end; nothing is kept of one that has ended.
      try (ExecutorService conversations = Executors.newVirtualThreadPerTaskExecutor()) {
        long startNanos = System.nanoTime();
        for (int index = 0; index < plan.conversations(); index++) {
          waitUntil(startNanos + (long) (index * 1e9 / plan.callsPerSecond()));
          List<String> sessionIds = sessionIds(plan.recordersOf(index).size());
          ConversationSent conversation = new ConversationSent(index, sessionIds.getFirst(), clock.instant(),
              Tones.frequency(index, 0), Tones.frequency(index, 1), sessionIds, sipIdentity(),
              Math.floorMod(index, plan.pairs().size()));
          sentCount++;
          if (listed) {
            sent.add(conversation);
          }
          conversations.execute(() -> {
            try {
              if (!completes(conversation, transport, pacer, completed)) {
                failures.incrementAndGet();
              }
            } catch (Throwable e) {
              unexpected.compareAndSet(null, e);
            }
          });
        }
      }
      if (unexpected.get() != null) {
        throw new IllegalStateException("a conversation failed unexpectedly: " + unexpected.get(), unexpected.get());
      }
      Map<String, Integer> perRecorder = new LinkedHashMap<>();
      completed.forEach((recorder, count) -> perRecorder.put(recorder, count.get()));
      return new SimulationReport(sentCount, perRecorder, failures.get(), pacer.packetsSent(), sent);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the simulator's SIP or RTP socket: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("simulation interrupted", e);
    } finally {
      timers.shutdownNow();
    }
  }

  private boolean completes(ConversationSent conversation, SipClientTransport transport, RtpPacer pacer,
      Map<String, AtomicInteger> completed) {
    try {
      return converse(conversation, transport, pacer, completed);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** One conversation forked to every recorder; true when it completed on all of them. */
  private boolean converse(ConversationSent conversation, SipClientTransport transport, RtpPacer pacer,
      Map<String, AtomicInteger> completed) throws IOException {
    List<SdesCrypto> keys = plan.srtp() == null ? List.of() : ConversationOffer.LABELS.stream()
        .map(label -> SdesCrypto.random(1, plan.srtp())).toList();
    List<RecorderLeg> legs = plan.recordersOf(conversation.index()).stream()
        .map(recorder -> new RecorderLeg(transport, recorder)).toList();
    List<CompletableFuture<Boolean>> invites = new ArrayList<>(legs.size());
    ConversationOffer offer = null;
    for (int i = 0; i < legs.size(); i++) {
      String sessionId = conversation.recorderSessionIds().get(i);
      if (offer == null || !offer.sessionId().equals(sessionId)) {
        offer = ConversationOffer.of(conversation.index(), sessionId, conversation.sipIdentity(), plan.payloadType(),
            pacer.localAddress().getHostAddress(), pacer.localPort(), keys);
      }
      invites.add(legs.get(i).invite(offer.contentType(), offer.body()));
    }
    List<RecorderLeg> established = new ArrayList<>();
    List<CompletableFuture<Void>> media = new ArrayList<>();
    for (int i = 0; i < legs.size(); i++) {
      if (invites.get(i).join()) {
        established.add(legs.get(i));
        media.addAll(startMedia(legs.get(i), conversation, pacer, keys));
      }
    }
    boolean mediaSent = CompletableFuture.allOf(media.toArray(CompletableFuture[]::new)).handle((v, e) -> e == null)
        .join();
    List<CompletableFuture<Boolean>> byes = established.stream().map(RecorderLeg::bye).toList();
    int done = 0;
    for (int i = 0; i < established.size(); i++) {
      if (byes.get(i).join()) {
        completed.get(RecorderLeg.hostPort(established.get(i).recorder())).incrementAndGet();
        done++;
      }
    }
    return mediaSent && done == legs.size();
  }

  /** Starts each stream of a leg; with SDES {@code keys} (one a stream), as SRTP, which the answer must take. */
  private List<CompletableFuture<Void>> startMedia(RecorderLeg leg, ConversationSent conversation, RtpPacer pacer,
      List<SdesCrypto> keys) throws UnknownHostException {
    List<CompletableFuture<Void>> streams = new ArrayList<>();
    List<MediaDescription> answered = leg.answer().media();
    for (int stream = 0; stream < ConversationOffer.LABELS.size(); stream++) {
      MediaDescription media = answeredStream(answered, stream);
      if (media == null || media.port() == 0 || media.connectionAddress() == null) {
        streams.add(CompletableFuture.failedFuture(new IOException("the recorder declined stream " + (stream + 1))));
        continue;
      }
      if (!keys.isEmpty() && media.otherAttributes().stream().noneMatch(a -> a.startsWith("crypto:"))) {
        streams.add(CompletableFuture.failedFuture(new IOException("the recorder answered SRTP stream " + (stream + 1)
            + " without a=crypto")));
        continue;
      }
      InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(media.connectionAddress()),
          media.port());
      double frequency = stream == 0 ? conversation.frequency1() : conversation.frequency2();
      SrtpSender srtp = keys.isEmpty() ? null : new SrtpSender(keys.get(stream));
      streams.add(pacer.start(target, plan.payloadType(), ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL,
          frequency, plan.packetsPerStream(), srtp));
    }
    return streams;
  }

  /** The answer's m-line with the stream's label, else the one at the stream's position. */
  private static MediaDescription answeredStream(List<MediaDescription> answered, int stream) {
    String label = ConversationOffer.LABELS.get(stream);
    for (MediaDescription media : answered) {
      if (label.equals(media.label())) {
        return media;
      }
    }
    return stream < answered.size() ? answered.get(stream) : null;
  }

  /** The session id sent to each of a pair's {@code recorders}, in the plan's order. */
  private List<String> sessionIds(int recorders) {
    if (plan.sessionIds() == SessionIds.SHARED) {
      return java.util.Collections.nCopies(recorders, newSessionId());
    }
    List<String> ids = new ArrayList<>(recorders);
    for (int i = 0; i < recorders; i++) {
      ids.add(newSessionId());
    }
    return ids;
  }

  /** The recorded call's SIP identity: a Session-ID as RFC 7989 writes it, 32 hexadecimal digits; or none. */
  private String sipIdentity() {
    if (plan.sessionIds() != SessionIds.DISTINCT_WITH_SIP_IDENTITY) {
      return "";
    }
    UUID uuid = UUID.randomUUID();
    return "%016x%016x".formatted(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
  }

  private static String newSessionId() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits());
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  private static void waitUntil(long nanoTime) throws InterruptedException {
    for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while pacing conversation starts");
      }
    }
  }
}
