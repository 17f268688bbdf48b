package io.tandem.capture.siprec;

import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.Multipart;
import io.tandem.capture.sip.SipHeaders;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a SIP request's body carries for recording: its SDP offer and its recording metadata, each optional,
 * from a single-part body or from the first part of each kind in a multipart one (parts in any order, other
 * parts ignored), with the quirks met splitting it. A metadata part is one of type
 * {@code application/rs-metadata+xml} or {@code application/rs-metadata}, or one whose Content-Disposition is
 * {@code recording-session}. Immutable.
 */
public record SiprecBody(Optional<BodyPart> sdp, Optional<BodyPart> metadata, List<String> quirks) {
  public static final String SDP_TYPE = "application/sdp";

  public SiprecBody {
    quirks = List.copyOf(quirks);
  }

  /**
   * The parts of the request's body.
   *
   * @throws SiprecException 400 when a multipart body cannot be split at all
   */
  public static SiprecBody of(SipMessage request) throws SiprecException {
    String contentType = request.header(SipHeaders.CONTENT_TYPE);
    byte[] body = request.body();
    if (contentType == null || body.length == 0) {
      return new SiprecBody(Optional.empty(), Optional.empty(), List.of());
    }
    if (!Multipart.mediaType(contentType).startsWith("multipart/")) {
      BodyPart only = new BodyPart(contentType, body);
      return new SiprecBody(Optional.of(only).filter(SiprecBody::isSdp),
          Optional.of(only).filter(SiprecBody::isMetadata), List.of());
    }
    Multipart.Body read;
    try {
      read = Multipart.read(contentType, body);
    } catch (SipParseException e) {
      throw new SiprecException(400, SiprecException.BODY_UNREADABLE, "Bad Request (" + e.getMessage() + ")");
    }
    return new SiprecBody(read.parts().stream().filter(SiprecBody::isSdp).findFirst(),
        read.parts().stream().filter(SiprecBody::isMetadata).findFirst(), read.quirks());
  }

  static boolean isSdp(BodyPart part) {
    return part.mediaType().equals(SDP_TYPE);
  }

  static boolean isMetadata(BodyPart part) {
    String type = part.mediaType();
    if (type.equals(RecordingMetadata.CONTENT_TYPE) || type.equals("application/rs-metadata")) {
      return true;
    }
    String disposition = part.headers().get("Content-Disposition");
    return !type.equals(SDP_TYPE) && disposition != null
        && disposition.strip().toLowerCase(Locale.ROOT).startsWith("recording-session");
  }
}
