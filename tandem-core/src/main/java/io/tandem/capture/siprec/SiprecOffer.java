package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import io.tandem.capture.Quirks;
import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.sip.SipHeaders;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An INVITE the recorder records (RFC 7866 and what SBCs send in its name): a SIPREC offer with recording
 * metadata, or a plain INVITE with SDP only. A recording is recognised by its body, whatever its
 * {@code Require} and Contact say; it is refused only when there is nothing to record: no SDP offer, an SDP
 * that cannot be read, or no {@code m=audio} line. Everything else odd is taken and listed in
 * {@link #quirks()}, in the order the INVITE shows it (headers, body, SDP, metadata). Immutable.
 *
 * @param correlationKey the metadata's communication session id; without one (no metadata, unreadable
 *     metadata, or metadata naming no session), the INVITE's Call-ID, which every recorder an SBC forks the same
 *     INVITE to sees alike
 * @param participants the metadata's participants; for a plain INVITE, those its headers name
 * @param sipIdentity the recorded session's own SIP identity from the metadata, or empty
 * @param metadataPart the metadata body part as it came (kept raw with the call), if the INVITE had one
 * @param metadata the metadata as read, if it could be read
 * @param speaksSiprec whether the INVITE named the siprec option tag (Require or Supported)
 */
public record SiprecOffer(String callId, String correlationKey, List<Participant> participants,
    List<OfferedStream> streams, String sipIdentity, List<String> quirks, Optional<BodyPart> metadataPart,
    Optional<RecordingMetadata> metadata, boolean speaksSiprec) {
  public static final String OPTION_TAG = "siprec";

  public SiprecOffer {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(correlationKey, "correlationKey");
    participants = List.copyOf(participants);
    streams = List.copyOf(streams);
    sipIdentity = sipIdentity == null ? "" : sipIdentity;
    quirks = List.copyOf(new LinkedHashSet<>(quirks));
  }

  /** The metadata's communication session id, or empty when there is none. */
  public String sessionId() {
    return metadata.map(RecordingMetadata::sessionId).orElse("");
  }

  public static SiprecOffer from(SipMessage invite) throws SiprecException {
    if (!invite.isRequest() || !invite.method().equals("INVITE")) {
      throw new SiprecException(400, SiprecException.NOT_AN_INVITE, "Bad Request (expected an INVITE)");
    }
    SiprecBody body = SiprecBody.of(invite);
    Set<String> quirks = new LinkedHashSet<>();
    boolean requires = requiresSiprec(invite);
    if (body.metadata().isPresent() && !requires) {
      quirks.add(Quirks.NO_REQUIRE_SIPREC);
    }
    quirks.addAll(RecordingClientContact.quirks(invite, requires || body.metadata().isPresent()));
    quirks.addAll(body.quirks());
    SessionDescription sdp = sdp(body);
    Set<String> metadataQuirks = new LinkedHashSet<>();
    Optional<RecordingMetadata> metadata = body.metadata().flatMap(part -> read(part, metadataQuirks));
    if (metadata.isPresent() && metadata.get().sessionId().isEmpty()) {
      metadataQuirks.add(Quirks.METADATA_NO_SESSION_ID);
    }
    if (metadata.isPresent() && !metadata.get().unknownIds(Set.of()).isEmpty()) {
      metadataQuirks.add(Quirks.METADATA_UNKNOWN_IDS);
    }
    OfferedStreams.Read offered = OfferedStreams.read(sdp,
        metadata.map(RecordingMetadata::senders).orElse(Map.of()), Set.of(), true);
    if (offered.streams().isEmpty()) {
      throw new SiprecException(488, SiprecException.NO_AUDIO,
          "Not Acceptable Here (expected at least one m=audio line in the SDP offer)");
    }
    OfferedStreams.requireUsableCrypto(offered);
    quirks.addAll(offered.quirks());
    if (body.metadata().isEmpty()) {
      quirks.add(Quirks.NO_METADATA);
    }
    quirks.addAll(metadataQuirks);
    // Without readable metadata the INVITE's own headers are all that names the parties: taken as a plain
    // INVITE's, they also let the two recorders' copies be matched by participants.
    List<Participant> participants = metadata.map(RecordingMetadata::participants)
        .orElseGet(() -> SignalledParticipants.of(invite));
    String key = metadata.map(RecordingMetadata::sessionId).filter(id -> !id.isEmpty()).orElse(invite.callId());
    return new SiprecOffer(invite.callId(), key, participants, offered.streams(),
        metadata.map(RecordingMetadata::sipIdentity).orElse(""), List.copyOf(quirks), body.metadata(), metadata,
        speaksSiprec(invite));
  }

  /**
   * Reads a metadata part as far as it can be read, adding its quirks to {@code quirks}, or
   * {@code metadata-unreadable} (and giving nothing) when it cannot be read at all.
   */
  public static Optional<RecordingMetadata> read(BodyPart part, Set<String> quirks) {
    try {
      RecordingMetadata metadata = RecordingMetadata.parseUpdate(part.content());
      quirks.addAll(metadata.quirks());
      return Optional.of(metadata);
    } catch (MetadataException e) {
      quirks.add(Quirks.METADATA_UNREADABLE);
      return Optional.empty();
    }
  }

  /** Whether the request names the {@code siprec} option tag in its Require or Supported headers. */
  public static boolean speaksSiprec(SipMessage request) {
    return requiresSiprec(request) || lists(request, SipHeaders.SUPPORTED);
  }

  private static boolean requiresSiprec(SipMessage invite) {
    return lists(invite, SipHeaders.REQUIRE);
  }

  private static boolean lists(SipMessage request, String header) {
    for (String value : request.headers(header)) {
      for (String tag : value.split(",")) {
        if (tag.strip().equalsIgnoreCase(OPTION_TAG)) {
          return true;
        }
      }
    }
    return false;
  }

  private static SessionDescription sdp(SiprecBody body) throws SiprecException {
    BodyPart part = body.sdp().orElseThrow(() -> new SiprecException(488, SiprecException.NO_SDP,
        "Not Acceptable Here (expected an SDP offer, as application/sdp or a part of a multipart body, with at "
            + "least one m=audio line)"));
    try {
      return Sdp.parse(new String(part.content(), StandardCharsets.UTF_8));
    } catch (SipParseException e) {
      throw new SiprecException(400, SiprecException.SDP_UNREADABLE, "Bad Request (" + e.getMessage() + ")");
    }
  }
}
