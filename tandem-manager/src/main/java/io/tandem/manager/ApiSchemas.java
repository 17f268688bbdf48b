package io.tandem.manager;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON Schema fragments, as OpenAPI 3.1 writes them, for the operation table. Each call returns a new value. */
final class ApiSchemas {
  private ApiSchemas() {}

  static Map<String, Object> text(String description) {
    return Map.of("type", "string", "description", description);
  }

  static Map<String, Object> pattern(String regex, String description) {
    return Map.of("type", "string", "pattern", regex, "description", description);
  }

  static Map<String, Object> instant(String description) {
    return Map.of("type", "string", "format", "date-time", "description", description);
  }

  static Map<String, Object> oneOf(String description, String... values) {
    return Map.of("type", "string", "enum", List.of(values), "description", description);
  }

  static Map<String, Object> whole(long min, long max, String description) {
    return Map.of("type", "integer", "minimum", min, "maximum", max, "description", description);
  }

  static Map<String, Object> flag(String description) {
    return Map.of("type", "boolean", "description", description);
  }

  static Map<String, Object> ref(String component) {
    return Map.of("$ref", "#/components/schemas/" + component);
  }

  static Map<String, Object> listOf(Map<String, Object> items) {
    return Map.of("type", "array", "items", items);
  }

  /** An object of {@code properties} (name, schema, name, schema, ...), {@code required} of them required. */
  static Map<String, Object> object(List<String> required, Object... properties) {
    Map<String, Object> named = new LinkedHashMap<>();
    for (int i = 0; i < properties.length; i += 2) {
      named.put((String) properties[i], properties[i + 1]);
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", named);
    if (!required.isEmpty()) {
      schema.put("required", required);
    }
    schema.put("additionalProperties", false);
    return schema;
  }

  /** An object the document does not detail, described in words. */
  static Map<String, Object> anyObject(String description) {
    return Map.of("type", "object", "description", description);
  }
}
