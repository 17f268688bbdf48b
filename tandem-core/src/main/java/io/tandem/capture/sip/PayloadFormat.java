package io.tandem.capture.sip;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One RTP payload format an SDP media section offers: its payload type, encoding name (upper case), RTP
 * clock rate, channel count and {@code a=fmtp} parameters (empty when none). A static payload type (RFC
 * 3551) that has no {@code a=rtpmap} takes its registered encoding; a dynamic one without it has encoding
 * {@code UNKNOWN}. Immutable.
 */
public record PayloadFormat(int payloadType, String encoding, int clockRate, int channels, String fmtp) {
  /** The static audio payload types of RFC 3551 table 4 that a capture source may leave without rtpmap. */
  private static final Map<Integer, PayloadFormat> STATIC = Map.ofEntries(
      Map.entry(0, new PayloadFormat(0, "PCMU", 8000, 1, "")),
      Map.entry(3, new PayloadFormat(3, "GSM", 8000, 1, "")),
      Map.entry(4, new PayloadFormat(4, "G723", 8000, 1, "")),
      Map.entry(8, new PayloadFormat(8, "PCMA", 8000, 1, "")),
      Map.entry(9, new PayloadFormat(9, "G722", 8000, 1, "")),
      Map.entry(13, new PayloadFormat(13, "CN", 8000, 1, "")),
      Map.entry(15, new PayloadFormat(15, "G728", 8000, 1, "")),
      Map.entry(18, new PayloadFormat(18, "G729", 8000, 1, "")));

  public static final String UNKNOWN = "UNKNOWN";

  public PayloadFormat {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("payload type must be 0..127, got " + payloadType);
    }
    encoding = Objects.requireNonNull(encoding, "encoding").toUpperCase(Locale.ROOT);
    if (clockRate <= 0) {
      throw new IllegalArgumentException("clock rate must be positive, got " + clockRate);
    }
    if (channels <= 0) {
      throw new IllegalArgumentException("channels must be positive, got " + channels);
    }
    fmtp = fmtp == null ? "" : fmtp.strip();
  }

  /**
   * The format of {@code payloadType} as an SDP describes it: {@code rtpmap} is the value after
   * {@code a=rtpmap:<pt> } ({@code encoding/clock rate[/channels]}) or null, {@code fmtp} the parameters
   * after {@code a=fmtp:<pt> } or null. An rtpmap that cannot be read is taken as absent.
   */
  public static PayloadFormat of(int payloadType, String rtpmap, String fmtp) {
    if (rtpmap != null) {
      String[] parts = rtpmap.strip().split("/");
      try {
        if (parts.length >= 2 && !parts[0].isBlank()) {
          int channels = parts.length >= 3 && !parts[2].isBlank() ? Integer.parseInt(parts[2].strip()) : 1;
          return new PayloadFormat(payloadType, parts[0].strip(), Integer.parseInt(parts[1].strip()), channels, fmtp);
        }
      } catch (IllegalArgumentException e) {
        // An unreadable rtpmap says nothing we can use; the static table or UNKNOWN stands.
      }
    }
    PayloadFormat registered = STATIC.get(payloadType);
    return registered != null ? new PayloadFormat(payloadType, registered.encoding(), registered.clockRate(),
        registered.channels(), fmtp) : new PayloadFormat(payloadType, UNKNOWN, 8000, 1, fmtp);
  }

  /** {@code encoding/clockRate}, with {@code /channels} when there are more than one: as rtpmap writes it. */
  public String rtpmap() {
    return encoding + "/" + clockRate + (channels > 1 ? "/" + channels : "");
  }
}
