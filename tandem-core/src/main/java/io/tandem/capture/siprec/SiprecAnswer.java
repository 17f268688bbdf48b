package io.tandem.capture.siprec;

import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.srtp.SdesCrypto;
import io.tandem.media.AudioEncoding;
import io.tandem.media.G711;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the recorder's SDP answer to a SIPREC offer: every offered stream received, recvonly, with every
 * payload format of its offer that the recorder records, in the offer's order. Stateless.
 */
public final class SiprecAnswer {
  private SiprecAnswer() {}

  /**
   * One {@code m=audio} line per offered stream, in offer order, on the local port at the same index,
   * with the stream's {@link #answerable} formats (their rtpmap and fmtp echoed), its label echoed and
   * {@code a=recvonly}, or {@code a=inactive} for a stream its sender holds.
   */
  public static String sdp(String localAddress, long sessionId, List<OfferedStream> streams, List<Integer> localPorts) {
    return sdp(localAddress, sessionId, streams, localPorts, java.util.Collections.nCopies(streams.size(), null));
  }

  /**
   * As {@link #sdp(String, long, List, List)}, each SRTP stream answered in its offer's profile with the recorder's
   * own key of {@code answerKeys} (at the same index; null for a stream of plain RTP).
   */
  public static String sdp(String localAddress, long sessionId, List<OfferedStream> streams, List<Integer> localPorts,
      List<SdesCrypto> answerKeys) {
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
      media.add(media(localPorts.get(i), answerable(stream.formats()), stream.label(),
          stream.held() ? "inactive" : "recvonly", localAddress, stream.proto(), answerKeys.get(i)));
    }
    return sdp(localAddress, sessionId, sessionId, media);
  }

  /**
   * The formats of an offered {@code m=} line to answer, in the offer's order: every one the recorder
   * decodes (PCMU, PCMA, G.722, G.729, GSM, iLBC, Opus), comfort noise and telephone-event. An offer with
   * none of those audio formats is answered with all it offered: the recorder keeps their payloads raw.
   */
  public static List<PayloadFormat> answerable(List<PayloadFormat> offered) {
    List<PayloadFormat> known = new ArrayList<>();
    boolean audio = false;
    for (PayloadFormat format : offered) {
      AudioEncoding encoding = AudioEncoding.named(format.encoding());
      if (encoding != AudioEncoding.OTHER) {
        known.add(format);
        audio |= encoding.decodable();
      }
    }
    return audio ? List.copyOf(known) : List.copyOf(offered);
  }

  /** The payload type the recorder takes a stream to send first: its first answerable audio format. */
  public static int chosenPayloadType(List<PayloadFormat> offered) {
    for (PayloadFormat format : answerable(offered)) {
      AudioEncoding encoding = AudioEncoding.named(format.encoding());
      if (encoding != AudioEncoding.CN && encoding != AudioEncoding.TELEPHONE_EVENT) {
        return format.payloadType();
      }
    }
    return offered.get(0).payloadType();
  }

  /** An answer's {@code m=audio} line of {@code formats}, with their rtpmap and fmtp, over plain RTP. */
  public static MediaDescription media(int port, List<PayloadFormat> formats, String label, String direction,
      String localAddress) {
    return media(port, formats, label, direction, localAddress, OfferedStream.RTP_AVP, null);
  }

  /**
   * An answer's {@code m=audio} line of {@code formats}: with {@code answerKey}, in the offer's SRTP profile
   * {@code proto} with the recorder's {@code a=crypto} line (RFC 4568 5.1.2: same tag and suite as the offer's
   * chosen line, a key of its own); without, over plain RTP.
   */
  public static MediaDescription media(int port, List<PayloadFormat> formats, String label, String direction,
      String localAddress, String proto, SdesCrypto answerKey) {
    List<Integer> types = new ArrayList<>();
    Map<Integer, String> rtpmap = new LinkedHashMap<>();
    List<String> fmtp = new ArrayList<>();
    for (PayloadFormat format : formats) {
      types.add(format.payloadType());
      rtpmap.put(format.payloadType(), format.encoding().equals(PayloadFormat.UNKNOWN) ? null : rtpmapOf(format));
      if (!format.fmtp().isEmpty()) {
        fmtp.add("fmtp:" + format.payloadType() + " " + format.fmtp());
      }
    }
    rtpmap.values().removeIf(java.util.Objects::isNull);
    if (answerKey != null) {
      fmtp.add(answerKey.toAttribute());
    }
    return new MediaDescription("audio", port, answerKey == null ? OfferedStream.RTP_AVP : proto, types, rtpmap, label,
        direction, localAddress, fmtp);
  }

  /** The rtpmap value of a format, with the encoding's usual spelling for those SDPs write in lower case. */
  private static String rtpmapOf(PayloadFormat format) {
    String name = switch (AudioEncoding.named(format.encoding())) {
      case OPUS -> "opus";
      case ILBC -> "iLBC";
      case TELEPHONE_EVENT -> "telephone-event";
      default -> format.encoding();
    };
    return name + "/" + format.clockRate() + (format.channels() > 1 ? "/" + format.channels() : "");
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
