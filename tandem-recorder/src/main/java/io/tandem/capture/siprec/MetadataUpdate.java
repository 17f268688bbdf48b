package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.Multipart;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a request inside a recording session (a re-INVITE or an UPDATE) carries, recording metadata and a
 * new SDP offer, and how the metadata changes a call's participants and streams: RFC 7865 lets an SRC
 * send only what changed, so participants are merged by id and keep every one ever named, with the time
 * each joined and left; a stream changes sender only when the update names it. Stateless.
 */
final class MetadataUpdate {
  private MetadataUpdate() {}

  /** The metadata part of the request, if it has one; it may be a partial update. */
  static Optional<RecordingMetadata> of(SipMessage request) throws SiprecException {
    Optional<byte[]> part = part(request, MetadataUpdate::isMetadata, "recording metadata");
    if (part.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(RecordingMetadata.parseUpdate(part.get()));
    } catch (MetadataException e) {
      throw new SiprecException(400, "Bad Request - the recording metadata of the update is unreadable: "
          + e.getMessage());
    }
  }

  /** The SDP offer of the request, if it has one. */
  static Optional<SessionDescription> sdp(SipMessage request) throws SiprecException {
    Optional<byte[]> part = part(request, "application/sdp"::equals, "SDP");
    if (part.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Sdp.parse(new String(part.get(), StandardCharsets.UTF_8)));
    } catch (SipParseException e) {
      throw new SiprecException(400, "Bad Request - the SDP offer of the update is unreadable: " + e.getMessage());
    }
  }

  private static Optional<byte[]> part(SipMessage request, Predicate<String> type, String what) throws SiprecException {
    String contentType = request.header("Content-Type");
    if (contentType == null || request.body().length == 0) {
      return Optional.empty();
    }
    try {
      String mediaType = Multipart.mediaType(contentType);
      if (type.test(mediaType)) {
        return Optional.of(request.body());
      }
      if (!mediaType.equals("multipart/mixed")) {
        return Optional.empty();
      }
      for (BodyPart part : Multipart.parse(contentType, request.body())) {
        if (type.test(part.mediaType())) {
          return Optional.of(part.content());
        }
      }
      return Optional.empty();
    } catch (SipParseException e) {
      throw new SiprecException(400, "Bad Request - the body of the update is unreadable looking for its " + what
          + ": " + e.getMessage());
    }
  }

  /**
   * Merges an update into the participants: one that is new joins at the time the metadata gives, or
   * {@code now}; one named before keeps its join time and takes the name and address the update gives;
   * a disassociation sets the time it left. No participant is ever dropped.
   */
  static List<Participant> participants(List<Participant> current, RecordingMetadata update, Instant now) {
    Map<String, Participant> byId = new LinkedHashMap<>();
    current.forEach(participant -> byId.put(participant.id(), participant));
    for (Participant named : update.participants()) {
      Participant known = byId.get(named.id());
      if (known == null) {
        byId.put(named.id(), named.withTimes(named.joined() != null ? named.joined() : now, named.left()));
      } else {
        byId.put(named.id(), new Participant(named.id(), named.aor().isEmpty() ? known.aor() : named.aor(),
            named.name().isEmpty() ? known.name() : named.name(),
            known.joined() != null ? known.joined() : named.joined(),
            named.left() != null ? named.left() : known.left()));
      }
    }
    update.associations().forEach((id, times) -> {
      Participant known = byId.get(id);
      if (known != null && times.disassociated() != null) {
        byId.put(id, known.withTimes(known.joined(), times.disassociated()));
      }
    });
    return List.copyOf(byId.values());
  }

  static List<StreamInfo> streams(List<StreamInfo> current, RecordingMetadata update) {
    List<StreamInfo> streams = new ArrayList<>(current.size());
    for (StreamInfo stream : current) {
      String sender = update.senders().get(stream.label());
      streams.add(sender == null ? stream
          : new StreamInfo(stream.label(), stream.channel(), sender, stream.codec()));
    }
    return List.copyOf(streams);
  }

  private static boolean isMetadata(String mediaType) {
    return mediaType.equals(RecordingMetadata.CONTENT_TYPE) || mediaType.equals("application/rs-metadata");
  }
}
