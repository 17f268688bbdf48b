package io.tandem.capture.siprec;

import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.srtp.SdesCrypto;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One audio stream a SIPREC offer sends to the recorder: its SDP label, the payload type chosen for it, the
 * participant that sends it (empty when the metadata did not say), where the SBC sends it from (the address
 * empty when the offer gave none), every payload format its {@code m=} line offered in offer order, the
 * direction the offer gave it, its transport protocol ({@code RTP/AVP}, or {@code RTP/SAVP} and {@code RTP/SAVPF}
 * for SRTP), and for SRTP the first {@code a=crypto} line of the offer a recorder can receive with (null when
 * none is, or for plain RTP). Immutable.
 */
public record OfferedStream(String label, int payloadType, String participantId, String address, int port,
    List<PayloadFormat> formats, String direction, String proto, SdesCrypto crypto) {
  public static final String RTP_AVP = "RTP/AVP";

  public OfferedStream {
    Objects.requireNonNull(label, "label");
    participantId = participantId == null ? "" : participantId;
    address = address == null ? "" : address;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    formats = formats == null || formats.isEmpty() ? List.of(PayloadFormat.of(payloadType, null, null))
        : List.copyOf(formats);
    direction = direction == null ? "sendonly" : direction;
    proto = proto == null ? RTP_AVP : proto;
  }

  /** A stream of plain RTP. */
  public OfferedStream(String label, int payloadType, String participantId, String address, int port,
      List<PayloadFormat> formats, String direction) {
    this(label, payloadType, participantId, address, port, formats, direction, RTP_AVP, null);
  }

  /** A stream offered with the one payload type chosen for it, sendonly. */
  public OfferedStream(String label, int payloadType, String participantId, String address, int port) {
    this(label, payloadType, participantId, address, port, null, null, RTP_AVP, null);
  }

  /** Whether the stream is offered as SRTP (a profile with {@code SAVP}), with or without a usable key. */
  public boolean secure() {
    return secure(proto);
  }

  /** Whether a transport protocol of an {@code m=} line is SRTP. */
  public static boolean secure(String proto) {
    return proto.toUpperCase(Locale.ROOT).contains("SAVP");
  }

  /** The offered format of the chosen payload type (its registered or unknown format if the line did not list it). */
  public PayloadFormat chosenFormat() {
    return formats.stream().filter(f -> f.payloadType() == payloadType).findFirst()
        .orElseGet(() -> PayloadFormat.of(payloadType, null, null));
  }

  /**
   * Whether the sender holds the stream: offered {@code inactive}, or {@code recvonly} (it only receives). A held
   * stream is answered {@code inactive} and records silence until it is resumed.
   */
  public boolean held() {
    return direction.equalsIgnoreCase("inactive") || direction.equalsIgnoreCase("recvonly");
  }
}
