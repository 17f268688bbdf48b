package io.tandem.capture.siprec;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.DtmfEvent;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.StreamInfo;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.MetadataBody;
import io.tandem.capture.rtp.CallMedia;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.StreamSpec;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.sip.SipHandler;
import io.tandem.capture.sip.SipLimit;
import io.tandem.capture.sip.SipLimits;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipPeer;
import io.tandem.capture.sip.SipRefusals;
import io.tandem.capture.sip.SipReply;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording sessions of one recorder: an INVITE with something to record (a SIPREC offer, or a plain
 * INVITE with SDP) becomes a call in the call buffer with its media capture, its quirks and its metadata body
 * kept raw; its BYE (or silent media past the timeout) finishes the call durably before the 200 is sent, and
 * the finished call is handed on. A request inside a dialog (BYE, re-INVITE, UPDATE, CANCEL, the INVITE sent
 * again) is taken only with the dialog's tags (the SBC's From tag, the recorder's To tag, drawn at random) from
 * the source the INVITE came from ({@link io.tandem.capture.sip.SipPeer#sameSource}); any other gets 481 and
 * changes nothing. New calls past the limit of calls in progress, and offers of more streams than a call takes,
 * are refused and counted by limit. Quirks and refusals are counted by kind in {@link #tallies()}. Thread-safe:
 * each dialog is claimed by exactly one finisher.
 */
public final class RecordingSessions implements SipHandler {
  private static final Logger log = LoggerFactory.getLogger(RecordingSessions.class);
  private static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE";
  /** The refusal of an INVITE that had something to record but could not be started (no RTP port, no store). */
  private static final String CANNOT_RECORD = "cannot-record";
  /** How long an SBC should send new calls elsewhere after a 503 (RFC 3261 21.5.4); room returns in seconds. */
  private static final String RETRY_AFTER_SECONDS = "30";

  /** Ends a call durably, with its DTMF events and whatever must happen in the same transaction (its Workflow entry). */
  @FunctionalInterface
  public interface CallEnd {
    CallRecord finish(Inum inum, Instant end, CallState state, MediaStats stats, List<DtmfEvent> dtmf);
  }

  private final CallBuffer buffer;
  private final MediaCapture media;
  private final Supplier<CallRole> callRole;
  private final CallEnd callEnd;
  private final String mediaAddress;
  private final Clock clock;
  private final Map<String, RecordingSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, PendingInvite> unanswered = new ConcurrentHashMap<>();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong ended = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final SessionTallies tallies = new SessionTallies();
  private final AtomicLong cancelled = new AtomicLong();
  private final AtomicLong changed = new AtomicLong();
  private final AtomicLong strangers = new AtomicLong();
  /** Calls admitted and not yet finished or given up: INVITEs being answered and sessions in progress. */
  private final AtomicInteger admitted = new AtomicInteger();
  private final SipLimits limits;
  private final SipRefusals refusals;
  private volatile BooleanSupplier takingNewCalls = () -> true;

  public RecordingSessions(CallBuffer buffer, MediaCapture media, Supplier<CallRole> callRole, CallEnd callEnd,
      String mediaAddress, Clock clock) {
    this(buffer, media, callRole, callEnd, mediaAddress, clock, SipLimits.DEFAULTS, new SipRefusals());
  }

  /** With the limits of calls in progress and streams per call, counting what they refuse in {@code refusals}. */
  public RecordingSessions(CallBuffer buffer, MediaCapture media, Supplier<CallRole> callRole, CallEnd callEnd,
      String mediaAddress, Clock clock, SipLimits limits, SipRefusals refusals) {
    this.limits = limits;
    this.refusals = refusals;
    this.buffer = buffer;
    this.media = media;
    this.callRole = callRole;
    this.callEnd = callEnd;
    this.mediaAddress = mediaAddress;
    this.clock = clock;
  }

  @Override
  public void handle(SipMessage request, SipReply reply) {
    switch (request.method()) {
      case "INVITE" -> invite(request, reply);
      case "UPDATE" -> update(request, reply);
      case "ACK" -> { }
      case "BYE" -> bye(request, reply);
      case "CANCEL" -> cancel(request, reply);
      case "OPTIONS" -> options(request, reply);
      default -> reply.send(SipMessage.responseTo(request, 405, "Method Not Allowed").header("Allow", ALLOW).build());
    }
  }

  /**
   * An OPTIONS outside a dialog is how SBCs ping a recording server: while no new call would be taken it is
   * answered 503 like an INVITE, so the SBC sends its calls elsewhere before the first is turned away.
   */
  private void options(SipMessage request, SipReply reply) {
    if (request.toTag() == null && !takingNewCalls.getAsBoolean()) {
      reply.send(SipMessage.responseTo(request, 503, "Service Unavailable - the recorder takes no new calls now")
          .header("Retry-After", RETRY_AFTER_SECONDS).build());
      return;
    }
    reply.send(SipMessage.responseTo(request, 200, "OK").header("Allow", ALLOW).header("Supported", "siprec")
        .build());
  }

  private void invite(SipMessage request, SipReply reply) {
    RecordingSession existing = sessions.get(request.callId());
    if (existing != null) {
      if (request.toTag() != null ? !existing.inDialog(request, reply.peer())
          : !existing.fromCaller(request, reply.peer())) {
        reply.send(stranger(request, reply));
        return;
      }
      // A re-INVITE changes the session; a second copy of the dialog's INVITE gets the answer it had.
      reply.send(request.toTag() != null ? change(existing, request) : existing.answer(request));
      return;
    }
    if (request.toTag() != null) {
      reply.send(SipMessage.responseTo(request, 481, "Call/Transaction Does Not Exist").build());
      return;
    }
    if (!takingNewCalls.getAsBoolean()) {
      reply.send(SipMessage.responseTo(request, 503, "Service Unavailable - the recorder takes no new calls now")
          .header("Retry-After", RETRY_AFTER_SECONDS).build());
      return;
    }
    if (admitted.incrementAndGet() > limits.maxCalls()) {
      admitted.decrementAndGet();
      refusals.limit(SipLimit.CALLS_IN_PROGRESS);
      log.warn("INVITE {} refused: {} calls in progress, the limit (sip.maxCalls)", request.callId(),
          limits.maxCalls());
      reply.send(SipMessage.responseTo(request, 503, "Service Unavailable - " + limits.maxCalls()
          + " calls in progress, the limit of this recorder (sip.maxCalls)")
          .header("Retry-After", RETRY_AFTER_SECONDS).build());
      return;
    }
    if (!answerNew(request, reply)) {
      admitted.decrementAndGet();
    }
  }

  /** Answers a new INVITE admitted under the limit; false when no session was opened of it. */
  private boolean answerNew(SipMessage request, SipReply reply) {
    SiprecOffer offer;
    try {
      offer = SiprecOffer.from(request);
    } catch (SiprecException e) {
      refuse(e.kind());
      log.info("INVITE {} refused: {} {}", request.callId(), e.status(), e.reason());
      reply.send(SipMessage.responseTo(request, e.status(), e.reason()).build());
      return false;
    }
    if (offer.streams().size() > limits.maxStreamsPerCall()) {
      refusals.limit(SipLimit.STREAMS_PER_CALL);
      log.warn("INVITE {} refused: {} audio streams, more than the {} a call takes (sip.maxStreamsPerCall)",
          request.callId(), offer.streams().size(), limits.maxStreamsPerCall());
      reply.send(SipMessage.responseTo(request, 488, "Not Acceptable Here - " + offer.streams().size()
          + " audio streams, more than the " + limits.maxStreamsPerCall() + " a call takes (sip.maxStreamsPerCall)")
          .build());
      return false;
    }
    PendingInvite pending = new PendingInvite(request, reply.peer());
    if (unanswered.putIfAbsent(request.callId(), pending) != null) {
      reply.send(SipMessage.responseTo(request, 491, "Request Pending - an INVITE of this Call-ID is being answered")
          .build());
      return false;
    }
    RecordingSession session;
    try {
      session = open(request, offer, reply.peer());
    } catch (RuntimeException e) {
      unanswered.remove(request.callId(), pending);
      refuse(CANNOT_RECORD);
      log.error("cannot start recording {}", request.callId(), e);
      reply.send(SipMessage.responseTo(request, 503, "Service Unavailable - cannot start recording").build());
      return false;
    }
    if (!pending.answer(() -> sessions.put(request.callId(), session))) {
      unanswered.remove(request.callId(), pending);
      discard(session);
      reply.send(SipMessage.responseTo(request, 487, "Request Terminated").build().withToTag(session.toTag));
      // The discard gave up its place under the limit.
      return true;
    }
    unanswered.remove(request.callId(), pending);
    started.incrementAndGet();
    tallies.quirks(offer.quirks());
    reply.send(session.answer(request));
    return true;
  }

  /**
   * The answer to a request that names a session's Call-ID with other tags or from another source: a spoofed
   * BYE or re-INVITE, or a stray one. It changes nothing.
   */
  private SipMessage stranger(SipMessage request, SipReply reply) {
    strangers.incrementAndGet();
    log.warn("{} of {} from {} refused: its tags or source are not those of the dialog", request.method(),
        request.callId(), reply.peer());
    return SipMessage.responseTo(request, 481, "Call/Transaction Does Not Exist - no dialog with these tags from "
        + "this source").build();
  }

  private void refuse(String kind) {
    refused.incrementAndGet();
    tallies.refused(kind);
  }

  /** Applies a re-INVITE or UPDATE to its session; one that was taken counts as a change. */
  private SipMessage change(RecordingSession session, SipMessage request) {
    SipMessage response = session.change(request, buffer, media, clock, tallies);
    if (response.status() == 200) {
      changed.incrementAndGet();
    }
    return response;
  }

  /** An UPDATE (RFC 3311) changes a session as a re-INVITE does; it needs no ACK. */
  private void update(SipMessage request, SipReply reply) {
    RecordingSession existing = sessions.get(request.callId());
    if (existing == null || request.toTag() == null) {
      reply.send(SipMessage.responseTo(request, 481, "Call/Transaction Does Not Exist").build());
      return;
    }
    reply.send(existing.inDialog(request, reply.peer()) ? change(existing, request) : stranger(request, reply));
  }

  /** A recording whose INVITE was cancelled before it was answered: nothing of it was acknowledged. */
  private void discard(RecordingSession session) {
    try {
      media.close(session.media).get();
      Files.deleteIfExists(session.media.wavPath());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | IOException e) {
      log.warn("media of cancelled call {} could not be removed: {}", session.call().inum(), e.toString());
    }
    try {
      buffer.discard(session.call().inum());
    } finally {
      admitted.decrementAndGet();
    }
    cancelled.incrementAndGet();
    log.info("INVITE {} cancelled before its answer; {} discarded", session.callId, session.call().inum());
  }

  private RecordingSession open(SipMessage request, SiprecOffer offer, SipPeer peer) {
    List<StreamInfo> streams = new ArrayList<>();
    List<StreamSpec> specs = new ArrayList<>();
    for (int channel = 0; channel < offer.streams().size(); channel++) {
      OfferedStream stream = offer.streams().get(channel);
      List<PayloadFormat> formats = SiprecAnswer.answerable(stream.formats());
      streams.add(new StreamInfo(stream.label(), channel, stream.participantId(), stream.chosenFormat().encoding()));
      specs.add(new StreamSpec(channel, formats, stream.crypto()));
    }
    Instant start = clock.instant();
    MetadataBody metadata = offer.metadataPart()
        .map(part -> MetadataBody.received(start, part.contentType(), part.content())).orElse(null);
    CallRecord call = buffer.begin(offer.correlationKey(), start, callRole.get(), offer.participants(), streams,
        offer.sipIdentity(), offer.quirks(), metadata);
    CallMedia handle;
    try {
      handle = media.open(call.mediaPath(), specs);
    } catch (RuntimeException e) {
      buffer.finish(call.inum(), clock.instant(), CallState.TRUNCATED, MediaStats.NONE, List.of());
      throw e;
    }
    SessionStreams answer = new SessionStreams(mediaAddress, call.inum().value(), offer.streams(), streams,
        handle.ports());
    log.info("recording {} as {} ({} streams, correlation key {}{})", request.callId(), call.inum(), streams.size(),
        offer.correlationKey(), offer.quirks().isEmpty() ? "" : ", quirks " + offer.quirks());
    return new RecordingSession(request.callId(), call, handle, RecordingSession.newToTag(), answer, offer, start,
        request.fromTag(), peer);
  }

  /**
   * A CANCEL that comes while its INVITE is still being answered stops it: the INVITE gets 487 and its
   * recording is discarded. Once the INVITE is answered the CANCEL is answered 200 and changes nothing
   * (RFC 3261 9.2); the dialog goes on until its BYE. A CANCEL of no INVITE known here gets 481.
   */
  private void cancel(SipMessage request, SipReply reply) {
    PendingInvite pending = unanswered.get(request.callId());
    if (pending != null && pending.sameTransaction(request, reply.peer()) && pending.cancel()) {
      reply.send(SipMessage.responseTo(request, 200, "OK").build());
      return;
    }
    RecordingSession session = sessions.get(request.callId());
    if (session == null) {
      reply.send(SipMessage.responseTo(request, 481, "Call/Transaction Does Not Exist").build());
      return;
    }
    if (!session.fromCaller(request, reply.peer())) {
      reply.send(stranger(request, reply));
      return;
    }
    reply.send(SipMessage.responseTo(request, 200, "OK").build().withToTag(session.toTag));
  }

  private void bye(SipMessage request, SipReply reply) {
    RecordingSession session = sessions.get(request.callId());
    if (session != null && !session.inDialog(request, reply.peer())) {
      reply.send(stranger(request, reply));
      return;
    }
    if (session == null || !sessions.remove(request.callId(), session)) {
      reply.send(SipMessage.responseTo(request, 481, "Call/Transaction Does Not Exist").build());
      return;
    }
    finish(session, CallState.COMPLETE);
    reply.send(SipMessage.responseTo(request, 200, "OK").build());
  }

  /** Ends every call whose media has been silent for {@code timeout}, as its BYE would. */
  public void endSilentCalls(Duration timeout) {
    Instant now = clock.instant();
    for (RecordingSession session : sessions.values()) {
      long packets = media.progress(session.media).packetsReceived();
      if (packets != session.lastPackets) {
        session.lastPackets = packets;
        session.lastProgress = now;
      } else if (Duration.between(session.lastProgress, now).compareTo(timeout) >= 0
          && sessions.remove(session.callId, session)) {
        log.info("call {} ended by silent media after {}", session.call().inum(), timeout);
        finish(session, CallState.COMPLETE);
      }
    }
  }

  /** Finishes every call in progress as truncated: the recorder is stopping under them. */
  public void truncateAll() {
    for (String callId : List.copyOf(sessions.keySet())) {
      RecordingSession session = sessions.remove(callId);
      if (session != null) {
        finish(session, CallState.TRUNCATED);
      }
    }
  }

  private void finish(RecordingSession session, CallState state) {
    try {
      MediaStats stats;
      try {
        stats = media.close(session.media).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while closing the media of " + session.call().inum(), e);
      } catch (ExecutionException e) {
        log.error("media of {} could not be closed cleanly; keeping what was written", session.call().inum(),
            e.getCause());
        stats = media.progress(session.media);
        state = CallState.TRUNCATED;
      }
      callEnd.finish(session.call().inum(), clock.instant(), state, stats, media.dtmf(session.media));
      ended.incrementAndGet();
    } finally {
      // Its place under the limit of calls in progress is free again, whatever became of its end.
      admitted.decrementAndGet();
    }
  }

  /**
   * Asks {@code taking} at every new INVITE whether a new call may be taken; when not, the INVITE is answered 503
   * with a Retry-After, which tells an SBC to try another recorder, and nothing is recorded. Calls in progress go
   * on. {@code taking} runs on the SIP threads and must be cheap.
   */
  public void takeNewCallsWhile(BooleanSupplier taking) {
    this.takingNewCalls = java.util.Objects.requireNonNull(taking, "taking");
  }

  public int active() {
    return sessions.size();
  }

  /** INVITEs being answered right now. */
  public int answering() {
    return unanswered.size();
  }

  public long startedCount() {
    return started.get();
  }

  public long endedCount() {
    return ended.get();
  }

  public long refusedCount() {
    return refused.get();
  }

  /** Quirks met and INVITEs refused, by kind. */
  public SessionTallies tallies() {
    return tallies;
  }

  /** Re-INVITEs and UPDATEs taken into a session. */
  public long changedCount() {
    return changed.get();
  }

  /** INVITEs cancelled before their answer. */
  public long cancelledCount() {
    return cancelled.get();
  }

  /** Requests that named a session's Call-ID with other tags or from another source, answered 481. */
  public long strangerCount() {
    return strangers.get();
  }
}
