package io.tandem.manager;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A request to run a WorkflowShell Rebuild on one recorder, parsed from the JSON body of {@code POST /api/rebuild}:
 * {@code {"serial", "command"}}, the command being the text as the shell takes it, such as
 * {@code "Rebuild Fix true true 20261101000000 20261102000000"}. Immutable.
 */
record RebuildRequest(String serial, String command) {
  private static final List<String> FIELDS = List.of("serial", "command");

  static RebuildRequest parse(String body) {
    JsonNode json = JsonBodies.object(body, FIELDS);
    return new RebuildRequest(JsonBodies.serial(json, "serial"), JsonBodies.text(json, "command"));
  }
}
