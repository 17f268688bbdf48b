package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.Multipart;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-built SIPREC requests for tests that need one without its media. Stateless. */
final class SiprecInvites {
  private SiprecInvites() {}

  /** A re-INVITE in the dialog {@code toTag} whose metadata part is {@code metadata}, taken as it is. */
  static String reinvite(int port, String callId, String toTag, byte[] metadata) {
    return inDialog("INVITE", port, callId, toTag, 2 + metadata.length % 1000, sdp(1, "sendonly"), metadata);
  }

  /**
   * A request inside the dialog {@code toTag}: a re-INVITE or an UPDATE with an SDP offer and/or a
   * metadata part (either may be null; with both the body is multipart).
   */
  static String inDialog(String method, int port, String callId, String toTag, int cseq, String sdp, byte[] metadata) {
    List<BodyPart> parts = new ArrayList<>();
    if (sdp != null) {
      parts.add(new BodyPart("application/sdp", sdp.getBytes(StandardCharsets.US_ASCII)));
    }
    if (metadata != null) {
      parts.add(new BodyPart("application/rs-metadata+xml", Map.of("Content-Disposition", "recording-session"),
          metadata));
    }
    String contentType = parts.size() == 2 ? "multipart/mixed;boundary=xyz" : parts.isEmpty() ? null
        : parts.get(0).mediaType();
    byte[] body = parts.size() == 2 ? Multipart.build("xyz", parts) : parts.isEmpty() ? new byte[0]
        : parts.get(0).content();
    return method + " sip:srs@127.0.0.1:" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + method + "-" + callId + "-" + cseq + "\r\n"
        + "From: <sip:src@127.0.0.1>;tag=f1\r\n"
        + "To: <sip:srs@127.0.0.1>;tag=" + toTag + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq + " " + method + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "Contact: <sip:src@127.0.0.1:5999>\r\n"
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + "Content-Length: " + body.length + "\r\n\r\n"
        + new String(body, StandardCharsets.ISO_8859_1);
  }

  /** An SDP offer of streams labelled 1 to {@code streams}, each with the given direction. */
  static String sdp(int streams, String direction) {
    StringBuilder sdp = new StringBuilder("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n");
    for (int i = 1; i <= streams; i++) {
      sdp.append("m=audio ").append(6000 + 2 * i).append(" RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=label:").append(i)
          .append("\r\na=").append(direction).append("\r\n");
    }
    return sdp.toString();
  }

  /**
   * A plain INVITE with SDP only ({@code streams} streams with the given direction), as an SBC sends for
   * network-based recording: Alice calls extension 7001, asserted by P-Asserted-Identity.
   */
  static String plainInvite(int port, String callId, int streams, String direction) {
    byte[] sdp = sdp(streams, direction).getBytes(StandardCharsets.US_ASCII);
    return "INVITE sip:srs@127.0.0.1:" + port + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId + "\r\n"
        + "From: \"Alice\" <sip:alice@example.com>;tag=f1\r\n"
        + "To: <sip:7001@pbx.example>\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Max-Forwards: 70\r\n"
        + "P-Asserted-Identity: <tel:+15550100>\r\n"
        + "Contact: <sip:cube@127.0.0.1:5999>\r\n"
        + "Content-Type: application/sdp\r\n"
        + "Content-Length: " + sdp.length + "\r\n\r\n"
        + new String(sdp, StandardCharsets.ISO_8859_1);
  }

  static String invite(int port, String callId, String sessionId) {
    return invite(port, callId, sessionId, 1);
  }

  /** An initial SIPREC INVITE of {@code streams} streams, stream {@code i} sent by participant {@code p<i>}. */
  static String invite(int port, String callId, String sessionId, int streams) {
    List<Participant> participants = new ArrayList<>();
    Map<String, String> senders = new java.util.LinkedHashMap<>();
    String[] names = {"alice", "bob", "carol"};
    for (int i = 1; i <= streams; i++) {
      participants.add(new Participant("p" + i, "sip:" + names[i - 1] + "@example.com",
          Character.toUpperCase(names[i - 1].charAt(0)) + names[i - 1].substring(1)));
      senders.put(Integer.toString(i), "p" + i);
    }
    byte[] metadata = new RecordingMetadata(sessionId, participants, senders).toXml();
    byte[] body = Multipart.build("xyz", List.of(
        new BodyPart("application/sdp", sdp(streams, "sendonly").replace(" 1 2 IN", " 1 1 IN")
            .getBytes(StandardCharsets.US_ASCII)),
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
