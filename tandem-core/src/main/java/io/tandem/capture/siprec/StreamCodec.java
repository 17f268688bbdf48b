package io.tandem.capture.siprec;

import io.tandem.capture.Quirks;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.media.G711;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which of the payload formats an {@code m=audio} line offers a stream records as, and whether that format
 * can be decoded: the first G.711 format offered, else the first that carries audio (not telephone-event nor
 * comfort noise), else the first. A stream is never refused for its codecs. This is the one place the choice
 * is made, for initial offers and re-offers alike. Stateless.
 */
public final class StreamCodec {
  private static final Set<String> NOT_AUDIO = Set.of("TELEPHONE-EVENT", "CN");

  private StreamCodec() {}

  /** The chosen format among those offered, in offer order; {@code offered} must not be empty. */
  public static PayloadFormat choose(List<PayloadFormat> offered) {
    if (offered.isEmpty()) {
      throw new IllegalArgumentException("an m=audio line offers at least one format");
    }
    return offered.stream().filter(f -> G711.supports(f.payloadType())).findFirst()
        .or(() -> offered.stream().filter(f -> !NOT_AUDIO.contains(f.encoding().toUpperCase(Locale.ROOT)))
            .findFirst())
        .orElse(offered.get(0));
  }

  /** {@code codec-unsupported:<ENCODING>} when the chosen format cannot be decoded, its payload kept raw. */
  public static Optional<String> quirk(PayloadFormat chosen) {
    return G711.supports(chosen.payloadType()) ? Optional.empty()
        : Optional.of(Quirks.codecUnsupported(chosen.encoding()));
  }
}
