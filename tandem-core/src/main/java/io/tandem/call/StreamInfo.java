package io.tandem.call;

import java.util.Objects;

/**
 * One media stream of a call: the SDP label it was offered under, the WAV channel it is written to
 * (0-based), the participant that sends it (empty when the metadata did not say), and its codec.
 */
public record StreamInfo(String label, int channel, String participantId, String codec) {
  public StreamInfo {
    Objects.requireNonNull(label, "label");
    if (channel < 0) {
      throw new IllegalArgumentException("channel must be >= 0, got " + channel);
    }
    participantId = participantId == null ? "" : participantId;
    Objects.requireNonNull(codec, "codec");
  }
}
