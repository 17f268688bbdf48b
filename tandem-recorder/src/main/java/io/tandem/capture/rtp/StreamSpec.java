package io.tandem.capture.rtp;

import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.srtp.SdesCrypto;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One RTP stream to receive: the WAV channel (0-based) it is written to and every payload format answered
 * for it. Each packet is taken by its own payload type: G.711 is decoded at once, other audio kept raw for
 * decoding later, telephone-event kept as DTMF, comfort noise left silent; a static payload type (RFC 3551)
 * is known even when it was not answered. With {@code srtp}, the key the SBC sends the stream's SRTP with, each
 * packet is authenticated and decrypted before it is placed; without, the stream is plain RTP. Immutable.
 */
public record StreamSpec(int channel, List<PayloadFormat> formats, SdesCrypto srtp) {
  public StreamSpec {
    if (channel < 0 || channel > 63) {
      throw new IllegalArgumentException("channel must be 0 to 63, got " + channel);
    }
    Objects.requireNonNull(formats, "formats");
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("expected at least one payload format for channel " + channel);
    }
    Set<Integer> types = new HashSet<>();
    for (PayloadFormat format : formats) {
      if (!types.add(format.payloadType())) {
        throw new IllegalArgumentException("payload type " + format.payloadType() + " twice on channel " + channel);
      }
    }
    formats = List.copyOf(formats);
  }

  /** A stream of plain RTP. */
  public StreamSpec(int channel, List<PayloadFormat> formats) {
    this(channel, formats, null);
  }

  /** A stream of one static payload type (RFC 3551), such as 0 (PCMU) or 8 (PCMA). */
  public StreamSpec(int channel, int payloadType) {
    this(channel, List.of(staticFormat(payloadType)), null);
  }

  private static PayloadFormat staticFormat(int payloadType) {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("payloadType must be 0 to 127, got " + payloadType);
    }
    PayloadFormat format = PayloadFormat.of(payloadType, null, null);
    if (format.encoding().equals(PayloadFormat.UNKNOWN)) {
      throw new IllegalArgumentException("payloadType " + payloadType + " is not a static audio payload type; "
          + "give its format");
    }
    return format;
  }
}
