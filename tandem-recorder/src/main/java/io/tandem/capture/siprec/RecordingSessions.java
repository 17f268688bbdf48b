package io.tandem.capture.siprec;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.StreamInfo;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.capture.rtp.CallMedia;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.StreamSpec;
import io.tandem.capture.sip.SipHandler;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipReply;
import io.tandem.media.G711;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIPREC sessions of one recorder: an INVITE becomes a call in the call buffer with its media
 * capture, its BYE (or silent media past the timeout) finishes the call durably before the 200 is sent,
 * and the finished call is handed on. Thread-safe: each dialog is claimed by exactly one finisher.
 */
public final class RecordingSessions implements SipHandler {
  private static final Logger log = LoggerFactory.getLogger(RecordingSessions.class);
  private static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS";

  /** Ends a call durably, with whatever must happen in the same transaction (its Workflow entry). */
  @FunctionalInterface
  public interface CallEnd {
    CallRecord finish(Inum inum, Instant end, CallState state, MediaStats stats);
  }

  private final CallBuffer buffer;
  private final MediaCapture media;
  private final Supplier<CallRole> callRole;
  private final CallEnd callEnd;
  private final String mediaAddress;
  private final Clock clock;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong ended = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  public RecordingSessions(CallBuffer buffer, MediaCapture media, Supplier<CallRole> callRole, CallEnd callEnd,
      String mediaAddress, Clock clock) {
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
      case "ACK" -> { }
      case "BYE" -> bye(request, reply);
      case "CANCEL" -> cancel(request, reply);
      case "OPTIONS" -> reply.send(SipMessage.responseTo(request, 200, "OK")
          .header("Allow", ALLOW).header("Supported", "siprec").build());
      default -> reply.send(SipMessage.responseTo(request, 405, "Method Not Allowed").header("Allow", ALLOW).build());
    }
  }

  private void invite(SipMessage request, SipReply reply) {
    Session existing = sessions.get(request.callId());
    if (existing != null) {
      // A re-INVITE or a second copy of the dialog's INVITE: the session goes on as it was answered,
      // with what a re-INVITE's metadata changed stored with the call.
      if (request.toTag() != null) {
        try {
          MetadataUpdate.of(request).ifPresent(update -> existing.update(buffer, update));
        } catch (SiprecException e) {
          log.info("metadata update of {} refused: {}", existing.call.inum(), e.reason());
          reply.send(SipMessage.responseTo(request, e.status(), e.reason()).build());
          return;
        }
      }
      reply.send(existing.answer(request));
      return;
    }
    if (request.toTag() != null) {
      reply.send(SipMessage.responseTo(request, 481, "Call/Transaction Does Not Exist").build());
      return;
    }
    SiprecOffer offer;
    try {
      offer = SiprecOffer.from(request);
    } catch (SiprecException e) {
      refused.incrementAndGet();
      log.info("SIPREC INVITE {} refused: {} {}", request.callId(), e.status(), e.reason());
      reply.send(SipMessage.responseTo(request, e.status(), e.reason()).build());
      return;
    }
    Session session;
    try {
      session = open(request, offer);
    } catch (RuntimeException e) {
      log.error("cannot start recording {}", request.callId(), e);
      reply.send(SipMessage.responseTo(request, 503, "Service Unavailable - cannot start recording").build());
      return;
    }
    sessions.put(request.callId(), session);
    started.incrementAndGet();
    reply.send(session.answer(request));
  }

  private Session open(SipMessage request, SiprecOffer offer) {
    List<StreamInfo> streams = new ArrayList<>();
    List<StreamSpec> specs = new ArrayList<>();
    for (int channel = 0; channel < offer.streams().size(); channel++) {
      OfferedStream stream = offer.streams().get(channel);
      streams.add(new StreamInfo(stream.label(), channel, stream.participantId(), codecName(stream.payloadType())));
      specs.add(new StreamSpec(channel, stream.payloadType()));
    }
    CallRecord call = buffer.begin(offer.sessionId(), clock.instant(), callRole.get(), offer.participants(), streams);
    CallMedia handle;
    try {
      handle = media.open(call.mediaPath(), specs);
    } catch (RuntimeException e) {
      buffer.finish(call.inum(), clock.instant(), CallState.TRUNCATED, MediaStats.NONE);
      throw e;
    }
    String sdp = SiprecAnswer.sdp(mediaAddress, call.inum().value(), offer.streams(), handle.ports());
    log.info("recording {} as {} ({} streams, session {})", request.callId(), call.inum(), streams.size(),
        offer.sessionId());
    return new Session(request.callId(), call, handle, "t" + call.inum(), sdp.getBytes(StandardCharsets.US_ASCII), clock.instant());
  }

  /**
   * An INVITE is answered at once, so a CANCEL always comes too late to stop it: it is answered 200 and the
   * dialog goes on until its BYE. The 200 carries the dialog's To tag (RFC 3261 9.2).
   */
  private void cancel(SipMessage request, SipReply reply) {
    SipMessage response = SipMessage.responseTo(request, 200, "OK").build();
    Session session = sessions.get(request.callId());
    reply.send(session == null ? response : response.withToTag(session.toTag));
  }

  private void bye(SipMessage request, SipReply reply) {
    Session session = sessions.remove(request.callId());
    if (session == null) {
      reply.send(SipMessage.responseTo(request, 481, "Call/Transaction Does Not Exist").build());
      return;
    }
    finish(session, CallState.COMPLETE);
    reply.send(SipMessage.responseTo(request, 200, "OK").build());
  }

  /** Ends every call whose media has been silent for {@code timeout}, as its BYE would. */
  public void endSilentCalls(Duration timeout) {
    Instant now = clock.instant();
    for (Session session : sessions.values()) {
      long packets = media.progress(session.media).packetsReceived();
      if (packets != session.lastPackets) {
        session.lastPackets = packets;
        session.lastProgress = now;
      } else if (Duration.between(session.lastProgress, now).compareTo(timeout) >= 0
          && sessions.remove(session.callId, session)) {
        log.info("call {} ended by silent media after {}", session.call.inum(), timeout);
        finish(session, CallState.COMPLETE);
      }
    }
  }

  /** Finishes every call in progress as truncated: the recorder is stopping under them. */
  public void truncateAll() {
    for (String callId : List.copyOf(sessions.keySet())) {
      Session session = sessions.remove(callId);
      if (session != null) {
        finish(session, CallState.TRUNCATED);
      }
    }
  }

  private void finish(Session session, CallState state) {
    MediaStats stats;
    try {
      stats = media.close(session.media).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while closing the media of " + session.call.inum(), e);
    } catch (ExecutionException e) {
      log.error("media of {} could not be closed cleanly; keeping what was written", session.call.inum(), e.getCause());
      stats = media.progress(session.media);
      state = CallState.TRUNCATED;
    }
    callEnd.finish(session.call.inum(), clock.instant(), state, stats);
    ended.incrementAndGet();
  }

  public int active() {
    return sessions.size();
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

  private static String codecName(int payloadType) {
    return payloadType == G711.PCMA ? "PCMA" : "PCMU";
  }

  private static final class Session {
    final String callId;
    final CallRecord call;
    final CallMedia media;
    final String toTag;
    final byte[] sdp;
    private List<io.tandem.call.Participant> participants;
    private List<StreamInfo> streams;
    volatile long lastPackets = -1;
    volatile Instant lastProgress;

    Session(String callId, CallRecord call, CallMedia media, String toTag, byte[] sdp, Instant openedAt) {
      this.callId = callId;
      this.call = call;
      this.media = media;
      this.toTag = toTag;
      this.sdp = sdp;
      this.lastProgress = openedAt;
      this.participants = call.participants();
      this.streams = call.streams();
    }

    /** Merges a metadata update into the call's participants and streams, durably. */
    synchronized void update(CallBuffer buffer, RecordingMetadata update) {
      participants = MetadataUpdate.participants(participants, update);
      streams = MetadataUpdate.streams(streams, update);
      buffer.updateParticipants(call.inum(), participants, streams);
      log.info("metadata of {} updated: {} participants", call.inum(), participants.size());
    }

    SipMessage answer(SipMessage request) {
      return SipMessage.responseTo(request, 200, "OK")
          // RFC 7866 6.1.1: the SRS marks its Contact with the +sip.srs feature tag.
          .header("Contact", "<" + request.requestUri() + ">;+sip.srs")
          .header("Require", "siprec")
          .body("application/sdp", sdp)
          .build()
          .withToTag(toTag);
    }
  }
}
