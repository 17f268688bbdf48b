package io.tandem.simulator;

import io.tandem.call.Participant;
import io.tandem.capture.siprec.RecordingMetadata;
import io.tandem.capture.siprec.SiprecAnswer;
import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.Multipart;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.srtp.SdesCrypto;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SIPREC body of one conversation as sent to one recorder: an SDP with two sendonly audio streams labelled
 * "1" and "2" (RTP/SAVP with an SDES key each, for SRTP), and RFC 7865 metadata naming the caller (sending
 * stream 1) and the callee (sending stream 2) under the session id sent to that recorder, with the recorded
 * call's SIP identity ({@code sipSessionID}) when one is given. Immutable.
 */
record ConversationOffer(String sessionId, String contentType, byte[] body) {
  static final List<String> LABELS = List.of("1", "2");
  private static final String BOUNDARY = "tandem-siprec-boundary";

  /**
   * The offer of one conversation, its RTP from {@code address} and {@code rtpPort}; with {@code keys} (one a
   * stream), each stream as SRTP under its SDES key.
   */
  static ConversationOffer of(int index, String sessionId, String sipIdentity, int payloadType, String address,
      int rtpPort, List<SdesCrypto> keys) {
    List<MediaDescription> media = new java.util.ArrayList<>();
    for (int stream = 0; stream < LABELS.size(); stream++) {
      boolean srtp = !keys.isEmpty();
      media.add(new MediaDescription("audio", rtpPort, srtp ? "RTP/SAVP" : "RTP/AVP", List.of(payloadType),
          Map.of(payloadType, SiprecAnswer.encoding(payloadType)), LABELS.get(stream), "sendonly", address,
          srtp ? List.of(keys.get(stream).toAttribute()) : List.of()));
    }
    String sdp = new SessionDescription("simulator " + (index + 1) + " 1 IN "
        + (address.indexOf(':') >= 0 ? "IP6 " : "IP4 ") + address, "SIPREC", address, media)
        .toString();
    Participant caller = new Participant(sessionId + "-caller", "sip:+1555" + String.format("%07d", index)
        + "@caller.invalid", "Caller " + index);
    Participant callee = new Participant(sessionId + "-callee", "sip:agent" + (index % 100) + "@callee.invalid",
        "Agent " + (index % 100));
    Map<String, String> senders = new LinkedHashMap<>();
    senders.put(LABELS.get(0), caller.id());
    senders.put(LABELS.get(1), callee.id());
    byte[] metadata = withSipIdentity(new RecordingMetadata(sessionId, List.of(caller, callee), senders).toXml(),
        sipIdentity);
    byte[] body = Multipart.build(BOUNDARY, List.of(
        new BodyPart("application/sdp", sdp.getBytes(StandardCharsets.UTF_8)),
        new BodyPart(RecordingMetadata.CONTENT_TYPE, Map.of("Content-Disposition", "recording-session"), metadata)));
    return new ConversationOffer(sessionId, "multipart/mixed;boundary=" + BOUNDARY, body);
  }

  /** The metadata with the SIP identity as the {@code <session>} element's {@code <sipSessionID>} (RFC 7865). */
  private static byte[] withSipIdentity(byte[] metadata, String sipIdentity) {
    if (sipIdentity.isEmpty()) {
      return metadata;
    }
    String xml = new String(metadata, StandardCharsets.UTF_8);
    String end = "></session>";
    int at = xml.indexOf(end);
    if (at < 0) {
      throw new IllegalStateException("the metadata has no empty <session> element to put the SIP identity in");
    }
    return (xml.substring(0, at) + "><sipSessionID>" + sipIdentity + "</sipSessionID></session>"
        + xml.substring(at + end.length())).getBytes(StandardCharsets.UTF_8);
  }
}
