package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.Multipart;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Hand-built SIPREC INVITEs for tests that need one without its media. */
final class SiprecInvites {
  private SiprecInvites() {}

  /** A re-INVITE in the dialog {@code toTag} whose metadata part is {@code metadata}, taken as it is. */
  static String reinvite(int port, String callId, String toTag, byte[] metadata) {
    String sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=label:1\r\na=sendonly\r\n";
    byte[] body = Multipart.build("xyz", List.of(
        new BodyPart("application/sdp", sdp.getBytes(StandardCharsets.US_ASCII)),
        new BodyPart("application/rs-metadata+xml", Map.of("Content-Disposition", "recording-session"), metadata)));
    return "INVITE sip:srs@127.0.0.1:" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-re-" + callId + "-" + metadata.length + "\r\n"
        + "From: <sip:src@127.0.0.1>;tag=f1\r\n"
        + "To: <sip:srs@127.0.0.1>;tag=" + toTag + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + (2 + metadata.length % 1000) + " INVITE\r\n"
        + "Max-Forwards: 70\r\n"
        + "Contact: <sip:src@127.0.0.1:5999>;+sip.src\r\n"
        + "Content-Type: multipart/mixed;boundary=xyz\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n"
        + new String(body, StandardCharsets.ISO_8859_1);
  }

  static String invite(int port, String callId, String sessionId) {
    String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=label:1\r\na=sendonly\r\n";
    byte[] metadata = new RecordingMetadata(sessionId,
        List.of(new Participant("p1", "sip:alice@example.com", "Alice")), Map.of("1", "p1")).toXml();
    byte[] body = Multipart.build("xyz", List.of(
        new BodyPart("application/sdp", sdp.getBytes(StandardCharsets.US_ASCII)),
        new BodyPart("application/rs-metadata+xml", Map.of("Content-Disposition", "recording-session"), metadata)));
    return "INVITE sip:srs@127.0.0.1:" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:src@127.0.0.1>;tag=f1\r\n"
        + "To: <sip:srs@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Max-Forwards: 70\r\n"
        + "Require: siprec\r\n"
        + "Contact: <sip:src@127.0.0.1:5999>;+sip.src\r\n"
        + "Content-Type: multipart/mixed;boundary=xyz\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n"
        + new String(body, StandardCharsets.ISO_8859_1);
  }
}
