package io.tandem.manager;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A request to reprocess the calls of one recorder that start in {@code [from, to)}, parsed from its JSON
 * body; every failure is a {@link BadRequestException} naming the field. Immutable.
 */
record ReprocessRequest(String serial, Instant from, Instant to) {
  private static final List<String> FIELDS = List.of("serial", "from", "to");

  static ReprocessRequest parse(String body) {
    JsonNode json = JsonBodies.object(body, FIELDS);
    String serial = JsonBodies.serial(json, "serial");
    Instant from = instant(json, "from");
    Instant to = instant(json, "to");
    if (!from.isBefore(to)) {
      throw new BadRequestException("'from' (" + from + ") must be before 'to' (" + to + ")");
    }
    return new ReprocessRequest(serial, from, to);
  }

  private static Instant instant(JsonNode json, String field) {
    String value = JsonBodies.text(json, field);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadRequestException("'" + field + "' must be an ISO-8601 instant such as 2026-11-26T14:30:00Z, got '"
          + value + "'");
    }
  }
}
