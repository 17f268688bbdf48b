package io.tandem.capture.siprec;

import io.tandem.capture.Quirks;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Reads the xs:dateTime values of recording metadata as SBCs write them: with a zone, as RFC 7865 wants; or
 * without one (Oracle/Acme's {@code <associate-time>}, for one), taken as UTC and noted
 * {@code time-without-zone}; a value that is no date and time at all is left out and noted
 * {@code time-unreadable}. Stateless.
 */
final class MetadataTimes {
  private MetadataTimes() {}

  /** The instant of {@code text}, or null for a blank or unreadable one; the quirks met go to {@code quirks}. */
  static Instant parse(String text, Set<String> quirks) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String value = text.strip();
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException withZone) {
      try {
        Instant instant = LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        quirks.add(Quirks.TIME_WITHOUT_ZONE);
        return instant;
      } catch (DateTimeParseException withoutZone) {
        quirks.add(Quirks.TIME_UNREADABLE);
        return null;
      }
    }
  }
}
