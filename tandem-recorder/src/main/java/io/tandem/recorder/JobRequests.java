package io.tandem.recorder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Role;
import io.tandem.json.Json;
import io.tandem.rebuild.RebuildScope;
import io.tandem.shell.RebuildCommand;
import io.tandem.shell.RebuildMode;
import io.tandem.shell.ShellCommand;
import io.tandem.shell.ShellParser;
import io.tandem.shell.ShellSyntaxException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;

/**
 * Parses the JSON bodies of the admin API's job requests into values. Every failure is a
 * {@link RecorderAdmin.BadRequest} whose message names the field and what was expected; unknown fields are
 * refused. Stateless.
 */
final class JobRequests {
  private static final List<String> REBUILD_FIELDS = List.of("command", "actor");
  private static final List<String> REPROCESS_FIELDS = List.of("from", "to", "actor");
  private static final List<String> ROLE_FIELDS = List.of("role", "epoch");
  private static final List<String> PROMOTE_FIELDS = List.of("epoch", "from", "to", "actor");

  /** A rebuild as asked: its scope, the canonical command text, and who asked (or null). */
  record Rebuild(RebuildScope scope, String command, String actor) {}

  /** A reprocess of {@code [from, to)} as asked, and who asked (or null). */
  record Reprocess(Instant from, Instant to, String actor) {}

  /** A role and epoch the RRC hands the recorder. */
  record RoleOrder(Role role, long epoch) {}

  /** A promotion of {@code [from, to)} ordered at {@code epoch}; a null {@code to} means now. */
  record Promote(long epoch, Instant from, Instant to, String actor) {}

  private JobRequests() {}

  static RoleOrder role(String body) {
    JsonNode json = object(body, ROLE_FIELDS);
    String role = text(json, "role", true);
    try {
      return new RoleOrder(Role.valueOf(role), epoch(json));
    } catch (IllegalArgumentException e) {
      throw new RecorderAdmin.BadRequest("'role' must be PRIMARY or SECONDARY, got '" + role + "'");
    }
  }

  static Promote promote(String body) {
    JsonNode json = object(body, PROMOTE_FIELDS);
    long epoch = epoch(json);
    Instant from = instant(json, "from", true);
    Instant to = instant(json, "to", false);
    checkOrder(from, to);
    return new Promote(epoch, from, to, text(json, "actor", false));
  }

  private static long epoch(JsonNode json) {
    JsonNode epoch = json.get("epoch");
    if (epoch == null || !epoch.canConvertToLong() || !epoch.isIntegralNumber() || epoch.asLong() < 1) {
      throw new RecorderAdmin.BadRequest("'epoch' must be a whole number >= 1, got " + epoch);
    }
    return epoch.asLong();
  }

  /**
   * A rebuild as the WorkflowShell types it, {@code {"command": "Rebuild Fix true true", "actor": "..."}},
   * parsed by the shell's own grammar; times in the command are in the recorder's {@code zone}.
   */
  static Rebuild rebuild(String body, ZoneId zone) {
    JsonNode json = object(body, REBUILD_FIELDS);
    String text = text(json, "command", true);
    ShellCommand parsed;
    try {
      parsed = ShellParser.parse(text);
    } catch (ShellSyntaxException e) {
      throw new RecorderAdmin.BadRequest(e.getMessage());
    }
    if (!(parsed instanceof ShellCommand.Rebuild rebuild)) {
      throw new RecorderAdmin.BadRequest("'command' must be a Rebuild command such as 'Rebuild Fix true true', got '"
          + text + "'");
    }
    RebuildCommand command = rebuild.command();
    RebuildScope scope = new RebuildScope(command.mode() == RebuildMode.FULL, command.includeMasterCalls(),
        command.includeSlaveCalls(), command.startInstant(zone).orElse(null), command.endInstant(zone).orElse(null));
    return new Rebuild(scope, command.toString(), text(json, "actor", false));
  }

  static Reprocess reprocess(String body) {
    JsonNode json = object(body, REPROCESS_FIELDS);
    Instant from = instant(json, "from", true);
    Instant to = instant(json, "to", true);
    checkOrder(from, to);
    return new Reprocess(from, to, text(json, "actor", false));
  }

  private static JsonNode object(String body, List<String> fields) {
    JsonNode json;
    try {
      json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new RecorderAdmin.BadRequest("the body must be a JSON object with the fields " + fields
          + ": " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new RecorderAdmin.BadRequest("the body must be a JSON object with the fields " + fields);
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new RecorderAdmin.BadRequest("unknown field '" + name + "'; expected only " + fields);
      }
    }
    return json;
  }

  private static String text(JsonNode json, String field, boolean required) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new RecorderAdmin.BadRequest("'" + field + "' is required");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new RecorderAdmin.BadRequest("'" + field + "' must be a string, got " + value);
    }
    return value.textValue();
  }

  private static Instant instant(JsonNode json, String field, boolean required) {
    String value = text(json, field, required);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new RecorderAdmin.BadRequest("'" + field + "' must be an ISO-8601 UTC time such as 2026-11-26T14:30:00Z"
          + (required ? "" : " or null") + ", got '" + value + "'");
    }
  }

  private static void checkOrder(Instant from, Instant to) {
    if (from != null && to != null && !from.isBefore(to)) {
      throw new RecorderAdmin.BadRequest("'from' (" + from + ") must be before 'to' (" + to + ")");
    }
  }
}
