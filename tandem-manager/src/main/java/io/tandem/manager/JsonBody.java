package io.tandem.manager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import java.util.Iterator;
import java.util.List;

/** A JSON object body with known string fields; every failure is a {@link BadRequestException}. Stateless. */
final class JsonBody {
  private final JsonNode json;

  private JsonBody(JsonNode json) {
    this.json = json;
  }

  static JsonBody of(String body, List<String> fields) {
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
    return new JsonBody(json);
  }

  String text(String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw new BadRequestException("'" + field + "' is required");
    }
    if (!value.isTextual()) {
      throw new BadRequestException("'" + field + "' must be a string, got " + value);
    }
    return value.textValue();
  }
}
