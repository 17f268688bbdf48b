package io.tandem.manager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;

/**
 * A request to reprocess the calls of one recorder that start in {@code [from, to)}, parsed from its JSON
 * body; every failure is a {@link BadRequestException} naming the field. Immutable.
 */
record ReprocessRequest(String serial, Instant from, Instant to) {
  private static final List<String> FIELDS = List.of("serial", "from", "to");

  static ReprocessRequest parse(String body) {
    JsonNode json;
    try {
      json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("the body must be a JSON object with the fields " + FIELDS + ": "
          + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new BadRequestException("the body must be a JSON object with the fields " + FIELDS);
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequestException("unknown field '" + name + "'; expected only " + FIELDS);
      }
    }
    String serial = text(json, "serial");
    if (!serial.matches("[0-9]{6}")) {
      throw new BadRequestException("'serial' must be a recorder's six-digit serial such as \"123456\", got '"
          + serial + "'");
    }
    Instant from = instant(json, "from");
    Instant to = instant(json, "to");
    if (!from.isBefore(to)) {
      throw new BadRequestException("'from' (" + from + ") must be before 'to' (" + to + ")");
    }
    return new ReprocessRequest(serial, from, to);
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw new BadRequestException("'" + field + "' is required");
    }
    if (!value.isTextual()) {
      throw new BadRequestException("'" + field + "' must be a string, got " + value);
    }
    return value.textValue();
  }

  private static Instant instant(JsonNode json, String field) {
    String value = text(json, field);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadRequestException("'" + field + "' must be an ISO-8601 instant such as 2026-11-26T14:30:00Z, got '"
          + value + "'");
    }
  }
}
