package io.tandem.capture.siprec;

import io.tandem.call.CallRecord;
import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.MetadataBody;
import io.tandem.capture.Quirks;
import io.tandem.capture.rtp.CallMedia;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipPeer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recording session in progress: its call, its media, its dialog (the SBC's From tag, the recorder's random To
 * tag, the source its INVITE came from), whether its INVITE named the
 * siprec extension (only then do its 200s require it), and what it knows of the call's description (participants, streams, SIP identity, quirks, the metadata ids defined so far). A re-INVITE or
 * an UPDATE changes it: every metadata body is kept raw with the call, metadata that can be read is merged,
 * an SDP offer is answered (a stream whose media the offer moves may latch to a new source; a new SRTP key is
 * taken), and what changed is stored durably before the 200. Only an SDP offer that cannot
 * be read is refused, and then nothing changes. Thread-safe: its methods are synchronized.
 */
final class RecordingSession {
  private static final Logger log = LoggerFactory.getLogger(RecordingSession.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  final String callId;
  final CallMedia media;
  final String toTag;
  final String fromTag;
  final SipPeer peer;
  volatile long lastPackets = -1;
  volatile Instant lastProgress;
  private final SessionStreams streams;
  private final Set<String> knownIds = new HashSet<>();
  private final boolean speaksSiprec;
  private CallRecord call;
  private boolean hadMetadata;

  RecordingSession(String callId, CallRecord call, CallMedia media, String toTag, SessionStreams streams,
      SiprecOffer offer, Instant openedAt, String fromTag, SipPeer peer) {
    this.callId = callId;
    this.fromTag = fromTag;
    this.peer = peer;
    this.call = call;
    this.media = media;
    this.toTag = toTag;
    this.streams = streams;
    this.lastProgress = openedAt;
    this.hadMetadata = offer.metadataPart().isPresent();
    this.speaksSiprec = offer.speaksSiprec();
    offer.metadata().ifPresent(metadata -> knownIds.addAll(metadata.definedIds()));
    call.participants().forEach(participant -> knownIds.add(participant.id()));
  }

  /** A To tag nobody can guess: 128 random bits, never derived from the call. */
  static String newToTag() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  synchronized CallRecord call() {
    return call;
  }

  /**
   * Whether a request with a To tag (BYE, re-INVITE, UPDATE) belongs to this dialog: the SBC's From tag, this
   * recorder's To tag, from the source the INVITE came from.
   */
  boolean inDialog(SipMessage request, SipPeer from) {
    return toTag.equals(request.toTag()) && fromCaller(request, from);
  }

  /**
   * Whether a request of the dialog's SBC that may come without the To tag (the INVITE sent again, a CANCEL)
   * is this dialog's: the SBC's From tag, from the INVITE's source, and this recorder's To tag if it has one.
   */
  boolean fromCaller(SipMessage request, SipPeer from) {
    return Objects.equals(fromTag, request.fromTag()) && (request.toTag() == null || toTag.equals(request.toTag()))
        && peer.sameSource(from);
  }

  /**
   * Applies a re-INVITE or UPDATE and returns its answer; new payload formats go to {@code capture}, and the
   * quirks the request showed are counted in {@code tallies}. A request whose body cannot be split, or whose SDP
   * cannot be read, gets its 4xx and changes nothing.
   */
  synchronized SipMessage change(SipMessage request, CallBuffer buffer, MediaCapture capture, Clock clock,
      SessionTallies tallies) {
    SiprecBody body;
    Optional<SessionDescription> offer;
    try {
      body = SiprecBody.of(request);
      offer = MetadataUpdate.sdp(body);
      if (offer.isPresent()) {
        OfferedStreams.requireUsableCrypto(OfferedStreams.read(offer.get(), Map.of(), Set.of(), false));
      }
    } catch (SiprecException e) {
      log.info("{} of {} refused: {}", request.method(), call.inum(), e.reason());
      return SipMessage.responseTo(request, e.status(), e.reason()).build();
    }
    Set<String> quirks = new LinkedHashSet<>(body.quirks());
    Set<String> metadataQuirks = new LinkedHashSet<>();
    Optional<RecordingMetadata> update = body.metadata().flatMap(part -> SiprecOffer.read(part, metadataQuirks));
    update.ifPresent(metadata -> {
      if (!metadata.unknownIds(knownIds).isEmpty()) {
        metadataQuirks.add(Quirks.METADATA_UNKNOWN_IDS);
      }
      knownIds.addAll(metadata.definedIds());
    });
    if (offer.isPresent()) {
      SessionStreams.Change change = streams.reoffer(offer.get(),
          update.map(RecordingMetadata::senders).orElse(Map.of()));
      quirks.addAll(change.quirks());
      // A stream whose formats changed decodes its packets by the new payload type mapping from now on.
      change.formats().forEach((channel, formats) -> capture.formats(media, channel, formats));
      change.keys().forEach((channel, key) -> capture.srtp(media, channel, key.orElse(null)));
      change.moved().forEach(channel -> capture.relatch(media, channel));
      if (!change.notes().isEmpty()) {
        log.info("{} of {}: {}", request.method(), call.inum(), String.join(", ", change.notes()));
      }
    }
    if (body.metadata().isPresent() && !hadMetadata) {
      quirks.add(Quirks.METADATA_LATE);
    }
    quirks.addAll(metadataQuirks);
    Instant now = clock.instant();
    CallRecord described = describe(update, quirks, now);
    MetadataBody kept = body.metadata()
        .map(part -> MetadataBody.received(now, part.contentType(), part.content())).orElse(null);
    if (kept != null || !described.equals(call)) {
      call = buffer.update(call.inum(), stored -> stored.describedAs(described.participants(), described.streams(),
          described.sipIdentity(), described.quirks()), kept);
      streams.streams(call.streams());
      log.info("description of {} updated: {} participants, streams {}, quirks {}", call.inum(),
          call.participants().size(), call.streams(), call.quirks());
    }
    hadMetadata |= body.metadata().isPresent();
    tallies.quirks(quirks);
    return ok(request, offer.isPresent() || request.method().equals("INVITE"));
  }

  synchronized SipMessage answer(SipMessage request) {
    return ok(request, true);
  }

  /** The call as the update describes it: participants merged, senders, a SIP identity where it had none, quirks. */
  private CallRecord describe(Optional<RecordingMetadata> update, Set<String> quirks, Instant now) {
    List<Participant> participants = update.map(u -> MetadataUpdate.participants(call.participants(), u, now))
        .orElse(call.participants());
    List<StreamInfo> described = update.map(u -> MetadataUpdate.streams(streams.streams(), u))
        .orElse(streams.streams());
    String identity = call.sipIdentity().isEmpty()
        ? update.map(RecordingMetadata::sipIdentity).orElse("") : call.sipIdentity();
    List<String> allQuirks = new ArrayList<>(call.quirks());
    allQuirks.addAll(quirks);
    return call.describedAs(participants, described, identity, allQuirks);
  }

  /** A 200 in this dialog, with the session's SDP answer when {@code withSdp}. */
  private SipMessage ok(SipMessage request, boolean withSdp) {
    SipMessage.Builder response = SipMessage.responseTo(request, 200, "OK")
        // RFC 7866 6.1.1: the SRS marks its Contact with the +sip.srs feature tag.
        .header("Contact", "<" + request.requestUri() + ">;+sip.srs");
    if (speaksSiprec) {
      // An SRC that never named the extension must not be asked to support it.
      response.header("Require", SiprecOffer.OPTION_TAG);
    }
    if (withSdp) {
      response.body("application/sdp", streams.answer().getBytes(StandardCharsets.US_ASCII));
    }
    return response.build().withToTag(toTag);
  }
}
