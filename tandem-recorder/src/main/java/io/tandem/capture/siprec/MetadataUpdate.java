package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.sip.SipParseException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a request inside a recording session (a re-INVITE or an UPDATE) changes a call: its SDP offer, and
 * how its metadata changes the call's participants and streams: RFC 7865 lets an SRC send only what changed,
 * so participants are merged by id and keep every one ever named, with the time each joined and left; a
 * stream changes sender only when the update names it. Stateless.
 */
final class MetadataUpdate {
  private MetadataUpdate() {}

  /** The SDP offer of the request's body, if it has one. */
  static Optional<SessionDescription> sdp(SiprecBody body) throws SiprecException {
    if (body.sdp().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Sdp.parse(new String(body.sdp().get().content(), StandardCharsets.UTF_8)));
    } catch (SipParseException e) {
      throw new SiprecException(400, SiprecException.SDP_UNREADABLE,
          "Bad Request - the SDP offer of the update is unreadable: " + e.getMessage());
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

}
