package io.tandem.capture.sip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code m=} section of an SDP: media, port, transport protocol, payload formats in offer order,
 * rtpmap entries, the {@code a=label} (or null), the direction (sendrecv when none was given), the
 * effective connection address (the media-level {@code c=} or else the session's), and every other
 * attribute line as written (without {@code a=}). Immutable.
 */
public record MediaDescription(String media, int port, String proto, List<Integer> formats,
    Map<Integer, String> rtpmap, String label, String direction, String connectionAddress,
    List<String> otherAttributes) {

  public static final String SENDRECV = "sendrecv";

  public MediaDescription {
    Objects.requireNonNull(media, "media");
    Objects.requireNonNull(proto, "proto");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    formats = List.copyOf(formats);
    rtpmap = Collections.unmodifiableMap(new LinkedHashMap<>(rtpmap));
    direction = direction == null ? SENDRECV : direction;
    otherAttributes = List.copyOf(otherAttributes);
  }

  public MediaDescription(String media, int port, String proto, List<Integer> formats, Map<Integer, String> rtpmap,
      String label, String direction, String connectionAddress) {
    this(media, port, proto, formats, rtpmap, label, direction, connectionAddress, List.of());
  }

  /** Every payload format of the {@code m=} line, in its order, with its rtpmap and fmtp where given. */
  public List<PayloadFormat> payloadFormats() {
    Map<Integer, String> fmtp = new LinkedHashMap<>();
    for (String attribute : otherAttributes) {
      if (attribute.regionMatches(true, 0, "fmtp:", 0, 5)) {
        String[] parts = attribute.substring(5).strip().split("\\s+", 2);
        try {
          fmtp.putIfAbsent(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "");
        } catch (NumberFormatException e) {
          // An fmtp of a format that is not a payload type number belongs to no RTP format.
        }
      }
    }
    List<PayloadFormat> result = new ArrayList<>(formats.size());
    for (int payloadType : formats) {
      result.add(PayloadFormat.of(payloadType, rtpmap.get(payloadType), fmtp.get(payloadType)));
    }
    return List.copyOf(result);
  }
}
