package io.tandem.manager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;

/**
 * A legal hold to add, parsed from the JSON body of {@code POST /api/pairs/{name}/legal-holds}: the calls that
 * start in {@code [from, to)} and why. Every failure is a {@link BadRequestException} naming the field and what was
 * expected. Immutable.
 */
record LegalHoldRequest(Instant from, Instant to, String reason) {
  private static final List<String> FIELDS = List.of("from", "to", "reason");
  /** As long as the call database takes: a case reference and a few words, not a document. */
  private static final int MAX_REASON = 500;

  static LegalHoldRequest parse(String body) {
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
    Instant from = instant(json, "from");
    Instant to = instant(json, "to");
    if (!from.isBefore(to)) {
      throw new BadRequestException("'from' (" + from + ") must be before 'to' (" + to + ")");
    }
    String reason = text(json, "reason").strip();
    if (reason.isEmpty() || reason.length() > MAX_REASON) {
      throw new BadRequestException("'reason' must say why the calls are held, in 1 to " + MAX_REASON
          + " characters, got " + reason.length());
    }
    return new LegalHoldRequest(from, to, reason);
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
