package io.tandem.manager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import java.util.Iterator;
import java.util.List;

/**
 * A change of a pair's policies, parsed from the JSON body of {@code PUT /api/pairs/{name}/policy}; a field
 * left out (null here) keeps its setting. Every failure is a {@link BadRequestException} naming the field and
 * what was expected. Immutable.
 */
record PolicyRequest(Integer rollbackWindowSeconds, String failbackPolicy, String gapPolicy,
    Integer matchToleranceMillis) {
  private static final List<String> FIELDS = List.of("rollbackWindowSeconds", "failbackPolicy", "gapPolicy",
      "matchToleranceMillis");
  /** The widest tolerance: a minute apart is no longer the same moment. */
  private static final int MAX_TOLERANCE_MILLIS = 60_000;
  private static final List<String> FAILBACK_POLICIES = List.of("never", "manual");
  private static final List<String> GAP_POLICIES = List.of("report", "promote");

  static PolicyRequest parse(String body) {
    JsonNode json;
    try {
      json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("the body must be a JSON object with some of the fields " + FIELDS + ": "
          + e.getOriginalMessage());
    }
    if (json == null || !json.isObject() || json.isEmpty()) {
      throw new BadRequestException("the body must be a JSON object with some of the fields " + FIELDS);
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequestException("unknown field '" + name + "'; expected only " + FIELDS);
      }
    }
    return new PolicyRequest(seconds(json.get("rollbackWindowSeconds")),
        choice(json, "failbackPolicy", FAILBACK_POLICIES), choice(json, "gapPolicy", GAP_POLICIES),
        tolerance(json.get("matchToleranceMillis")));
  }

  private static Integer tolerance(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0
        || value.intValue() > MAX_TOLERANCE_MILLIS) {
      throw new BadRequestException("'matchToleranceMillis' must be a whole number of milliseconds from 0 to "
          + MAX_TOLERANCE_MILLIS + ", got " + value);
    }
    return value.intValue();
  }

  private static Integer seconds(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
      throw new BadRequestException("'rollbackWindowSeconds' must be a whole number of seconds, 0 or more, got "
          + value);
    }
    return value.intValue();
  }

  private static String choice(JsonNode json, String field, List<String> allowed) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || !allowed.contains(value.textValue())) {
      throw new BadRequestException("'" + field + "' must be one of " + allowed + ", got " + value);
    }
    return value.textValue();
  }
}
