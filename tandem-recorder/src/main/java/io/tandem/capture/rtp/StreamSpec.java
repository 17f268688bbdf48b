package io.tandem.capture.rtp;

import io.tandem.media.G711;

/**
 * One RTP stream to receive: the WAV channel (0-based) it is written to and the G.711 payload type
 * negotiated for it. Packets of either G.711 type are decoded by their own type. Immutable.
 */
public record StreamSpec(int channel, int payloadType) {
  public StreamSpec {
    if (channel < 0 || channel > 63) {
      throw new IllegalArgumentException("channel must be 0 to 63, got " + channel);
    }
    if (!G711.supports(payloadType)) {
      throw new IllegalArgumentException("payloadType must be G.711 (0 PCMU or 8 PCMA), got " + payloadType);
    }
  }
}
