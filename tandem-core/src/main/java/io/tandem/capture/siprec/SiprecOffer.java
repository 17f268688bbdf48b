package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.Multipart;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.sip.SipHeaders;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A SIPREC INVITE (RFC 7866) the recorder accepts: its Call-ID, the communication session id from the
 * metadata, the participants, and the audio streams in the offer's m-line order with every payload
 * format offered for each, and the one it is taken to send first. Immutable; {@link #from} refuses anything else with the status to answer.
 */
public record SiprecOffer(String callId, String sessionId, List<Participant> participants,
    List<OfferedStream> streams) {
  public static final String OPTION_TAG = "siprec";
  public static final String SRC_FEATURE_TAG = "+sip.src";

  public SiprecOffer {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(sessionId, "sessionId");
    participants = List.copyOf(participants);
    streams = List.copyOf(streams);
  }

  public static SiprecOffer from(SipMessage invite) throws SiprecException {
    if (!invite.isRequest() || !invite.method().equals("INVITE")) {
      throw new SiprecException(400, "Bad Request (expected an INVITE)");
    }
    requireSiprec(invite);
    requireRecordingClient(invite);
    List<BodyPart> parts = bodyParts(invite);
    SessionDescription sdp = sdp(part(parts, "application/sdp"));
    RecordingMetadata metadata = metadata(parts);
    List<OfferedStream> streams = new ArrayList<>();
    for (MediaDescription media : sdp.media()) {
      if (media.media().equalsIgnoreCase("audio")) {
        streams.add(stream(media, metadata));
      }
    }
    if (streams.isEmpty()) {
      throw new SiprecException(488, "Not Acceptable Here (expected at least one m=audio line)");
    }
    return new SiprecOffer(invite.callId(), metadata.sessionId(), metadata.participants(), streams);
  }

  private static void requireSiprec(SipMessage invite) throws SiprecException {
    for (String require : invite.headers(SipHeaders.REQUIRE)) {
      for (String tag : require.split(",")) {
        if (tag.strip().equalsIgnoreCase(OPTION_TAG)) {
          return;
        }
      }
    }
    throw new SiprecException(421, "Extension Required (expected Require: siprec)");
  }

  /**
   * RFC 7866 6.1.1: a session is a recording session only when the INVITE's Contact carries the
   * {@code +sip.src} feature tag as well as {@code Require: siprec}. Checked on the initial INVITE only.
   */
  private static void requireRecordingClient(SipMessage invite) throws SiprecException {
    for (String contact : invite.headers(SipHeaders.CONTACT)) {
      if (hasFeatureTag(contact, SRC_FEATURE_TAG)) {
        return;
      }
    }
    throw new SiprecException(488, "Not Acceptable Here (expected a Contact with the +sip.src feature tag of a "
        + "recording client)");
  }

  /** Whether a Contact header value carries {@code tag} among the parameters after its address. */
  static boolean hasFeatureTag(String contact, String tag) {
    int close = contact.lastIndexOf('>');
    String parameters = close >= 0 ? contact.substring(close + 1)
        : contact.indexOf(';') >= 0 ? contact.substring(contact.indexOf(';')) : "";
    for (String parameter : parameters.split(";")) {
      int equals = parameter.indexOf('=');
      String name = (equals >= 0 ? parameter.substring(0, equals) : parameter).strip();
      if (name.equalsIgnoreCase(tag)) {
        return true;
      }
    }
    return false;
  }

  private static List<BodyPart> bodyParts(SipMessage invite) throws SiprecException {
    String contentType = invite.header(SipHeaders.CONTENT_TYPE);
    if (!Multipart.mediaType(contentType).equals("multipart/mixed")) {
      throw new SiprecException(415, "Unsupported Media Type (expected multipart/mixed with application/sdp and "
          + "application/rs-metadata+xml)");
    }
    try {
      return Multipart.parse(contentType, invite.body());
    } catch (SipParseException e) {
      throw new SiprecException(400, "Bad Request (" + e.getMessage() + ")");
    }
  }

  private static BodyPart part(List<BodyPart> parts, String... mediaTypes) throws SiprecException {
    for (BodyPart part : parts) {
      for (String mediaType : mediaTypes) {
        if (part.mediaType().equals(mediaType)) {
          return part;
        }
      }
    }
    throw new SiprecException(415, "Unsupported Media Type (expected a body part of type " + mediaTypes[0] + ")");
  }

  private static SessionDescription sdp(BodyPart part) throws SiprecException {
    try {
      return Sdp.parse(new String(part.content(), StandardCharsets.UTF_8));
    } catch (SipParseException e) {
      throw new SiprecException(400, "Bad Request (" + e.getMessage() + ")");
    }
  }

  private static RecordingMetadata metadata(List<BodyPart> parts) throws SiprecException {
    BodyPart part = part(parts, RecordingMetadata.CONTENT_TYPE, "application/rs-metadata");
    try {
      return RecordingMetadata.parse(part.content());
    } catch (MetadataException e) {
      throw new SiprecException(400, "Bad Request (" + e.getMessage() + ")");
    }
  }

  private static OfferedStream stream(MediaDescription media, RecordingMetadata metadata) throws SiprecException {
    if (media.label() == null || media.label().isEmpty()) {
      throw new SiprecException(488, "Not Acceptable Here (expected a=label on every m=audio line)");
    }
    String direction = media.direction().toLowerCase(Locale.ROOT);
    if (!direction.equals("sendonly") && !direction.equals(MediaDescription.SENDRECV)) {
      throw new SiprecException(488, "Not Acceptable Here (expected stream " + media.label()
          + " to be sendonly, got " + direction + ")");
    }
    if (media.connectionAddress() == null) {
      throw new SiprecException(400, "Bad Request (expected a c= line for stream " + media.label() + ")");
    }
    // Every format is recorded: those the recorder decodes are answered; an offer of none is kept raw.
    int payloadType = SiprecAnswer.chosenPayloadType(media.payloadFormats());
    return new OfferedStream(media.label(), payloadType, metadata.senders().get(media.label()),
        media.connectionAddress(), media.port(), media.payloadFormats(), direction);
  }
}
