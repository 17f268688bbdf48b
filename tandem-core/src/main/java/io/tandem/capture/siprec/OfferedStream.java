package io.tandem.capture.siprec;

import java.util.Objects;

/**
 * One audio stream a SIPREC offer sends to the recorder: its SDP label, the G.711 payload type chosen
 * for it, the participant that sends it (empty when the metadata did not say), and where the SBC sends
 * it from. Immutable.
 */
public record OfferedStream(String label, int payloadType, String participantId, String address, int port) {
  public OfferedStream {
    Objects.requireNonNull(label, "label");
    participantId = participantId == null ? "" : participantId;
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
  }
}
