package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.Multipart;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recording metadata carried by a request inside a dialog (a re-INVITE), and how it changes a call's
 * participants and streams: RFC 7865 lets an SRC send only what changed, so participants are merged by
 * id and a stream changes sender only when the update names it. Stateless.
 */
final class MetadataUpdate {
  private MetadataUpdate() {}

  /** The metadata part of the request, if it has one. */
  static Optional<RecordingMetadata> of(SipMessage request) throws SiprecException {
    String contentType = request.header("Content-Type");
    if (contentType == null || request.body().length == 0) {
      return Optional.empty();
    }
    try {
      String mediaType = Multipart.mediaType(contentType);
      if (isMetadata(mediaType)) {
        return Optional.of(RecordingMetadata.parse(request.body()));
      }
      if (!mediaType.equals("multipart/mixed")) {
        return Optional.empty();
      }
      for (BodyPart part : Multipart.parse(contentType, request.body())) {
        if (isMetadata(part.mediaType())) {
          return Optional.of(RecordingMetadata.parse(part.content()));
        }
      }
      return Optional.empty();
    } catch (SipParseException | MetadataException e) {
      throw new SiprecException(400, "Bad Request - the recording metadata of the update is unreadable: "
          + e.getMessage());
    }
  }

  static List<Participant> participants(List<Participant> current, RecordingMetadata update) {
    Map<String, Participant> byId = new LinkedHashMap<>();
    current.forEach(participant -> byId.put(participant.id(), participant));
    update.participants().forEach(participant -> byId.put(participant.id(), participant));
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
