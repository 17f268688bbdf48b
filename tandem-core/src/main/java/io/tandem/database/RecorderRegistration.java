package io.tandem.database;

import io.tandem.call.Position;
import io.tandem.call.Serial;
import java.util.Objects;

/**
 * What a recorder tells the call database about itself when it starts. Immutable.
 *
 * @param adminUrl {@code http://host:port} of the recorder's admin API
 * @param sipAddress {@code host:port} it takes SIPREC on (UDP and TCP)
 */
public record RecorderRegistration(int serial, String pair, Position position, String adminUrl, String sipAddress) {
  public RecorderRegistration {
    Serial.check(serial);
    Objects.requireNonNull(pair, "pair");
    if (pair.isBlank()) {
      throw new IllegalArgumentException("pair name must not be blank");
    }
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(adminUrl, "adminUrl");
    Objects.requireNonNull(sipAddress, "sipAddress");
  }
}
