package io.tandem.capture.siprec;

import io.tandem.capture.Quirks;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.media.AudioEncoding;
import java.util.List;
import java.util.Optional;

/**
 * Which of the payload formats an {@code m=audio} line offers a stream is taken to send first, and whether that
 * format can be decoded: the first format the recorder answers ({@link SiprecAnswer#answerable}) that carries
 * audio, else the first offered. A stream is never refused for its codecs: every packet is recorded by its own
 * payload type, decoded or kept raw. This is the one place the choice is made, for initial offers and
 * re-offers alike. Stateless.
 */
public final class StreamCodec {
  private StreamCodec() {}

  /** The chosen format among those offered, in offer order; {@code offered} must not be empty. */
  public static PayloadFormat choose(List<PayloadFormat> offered) {
    if (offered.isEmpty()) {
      throw new IllegalArgumentException("an m=audio line offers at least one format");
    }
    int chosen = SiprecAnswer.chosenPayloadType(offered);
    return offered.stream().filter(f -> f.payloadType() == chosen).findFirst().orElse(offered.get(0));
  }

  /** {@code codec-unsupported:<ENCODING>} when the chosen format is no audio the recorder can decode, kept raw. */
  public static Optional<String> quirk(PayloadFormat chosen) {
    return AudioEncoding.named(chosen.encoding()).decodable() ? Optional.empty()
        : Optional.of(Quirks.codecUnsupported(chosen.encoding()));
  }
}
