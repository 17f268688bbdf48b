package io.tandem.manager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import java.util.Iterator;
import java.util.List;

/** Reads the JSON bodies of requests; each failure is a {@link BadRequestException} naming what was expected. */
final class JsonBodies {
  private JsonBodies() {}

  /** {@code body} as a JSON object holding none but {@code fields}, which the errors name as expected. */
  static JsonNode object(String body, List<String> fields) {
    JsonNode json;
    try {
      json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("the body must be a JSON object with the fields " + fields + ": "
          + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new BadRequestException("the body must be a JSON object with the fields " + fields);
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new BadRequestException("unknown field '" + name + "'; expected only " + fields);
      }
    }
    return json;
  }

  /** A field's text; null when left out or null; refused when it is not a string. */
  static String optionalText(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new BadRequestException("'" + field + "' must be a string, got " + value);
    }
    return value.textValue();
  }

  /** A field's text, refused when left out, null or not a string. */
  static String text(JsonNode json, String field) {
    String text = optionalText(json, field);
    if (text == null) {
      throw new BadRequestException("'" + field + "' is required");
    }
    return text;
  }

  /** A recorder's six-digit serial, as text. */
  static String serial(JsonNode json, String field) {
    String serial = text(json, field);
    if (!serial.matches("[0-9]{6}")) {
      throw new BadRequestException("'" + field + "' must be a recorder's six-digit serial such as \"123456\", got '"
          + serial + "'");
    }
    return serial;
  }
}
