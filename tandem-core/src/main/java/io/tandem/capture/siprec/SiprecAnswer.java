package io.tandem.capture.siprec;

import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.media.G711;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the recorder's SDP answer to a SIPREC offer: every offered stream received. Stateless. */
public final class SiprecAnswer {
  private SiprecAnswer() {}

  /**
   * One {@code m=audio} line per offered stream, in offer order, on the local port at the same index,
   * with the stream's chosen format, its label echoed and {@code a=recvonly}, or {@code a=inactive} for a
   * stream its sender holds.
   */
  public static String sdp(String localAddress, long sessionId, List<OfferedStream> streams, List<Integer> localPorts) {
    if (localAddress == null || localAddress.isBlank()) {
      throw new IllegalArgumentException("localAddress must be non-empty");
    }
    if (streams.size() != localPorts.size()) {
      throw new IllegalArgumentException("need one local port per stream: " + streams.size() + " streams, "
          + localPorts.size() + " ports");
    }
    List<MediaDescription> media = new ArrayList<>();
    for (int i = 0; i < streams.size(); i++) {
      OfferedStream stream = streams.get(i);
      PayloadFormat format = stream.chosenFormat();
      media.add(new MediaDescription("audio", localPorts.get(i), "RTP/AVP", List.of(format.payloadType()),
          Map.of(format.payloadType(), format.rtpmap()), stream.label(), stream.held() ? "inactive" : "recvonly",
          localAddress));
    }
    return sdp(localAddress, sessionId, sessionId, media);
  }

  /**
   * An answer of the given media sections; {@code version} is the {@code o=} line's session version,
   * which a later answer in the same session raises when its content changes (RFC 3264 8).
   */
  public static String sdp(String localAddress, long sessionId, long version, List<MediaDescription> media) {
    String origin = "tandem " + sessionId + " " + version + " IN " + (localAddress.contains(":") ? "IP6 " : "IP4 ")
        + localAddress;
    return new SessionDescription(origin, "Tandem recording", localAddress, media).toString();
  }

  /** The rtpmap encoding of a G.711 payload type: {@code PCMU/8000} or {@code PCMA/8000}. */
  public static String encoding(int payloadType) {
    return switch (payloadType) {
      case G711.PCMU -> "PCMU/8000";
      case G711.PCMA -> "PCMA/8000";
      default -> throw new IllegalArgumentException("payload type " + payloadType + " is not G.711 (0 or 8)");
    };
  }
}
