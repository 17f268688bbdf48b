package io.tandem.manager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import io.tandem.notification.Endpoint;
import io.tandem.notification.InvalidTargetException;
import io.tandem.notification.SyslogEndpoint;
import io.tandem.notification.SyslogFacility;
import io.tandem.notification.SyslogTransport;
import io.tandem.notification.TargetSpec;
import io.tandem.notification.WebhookEndpoint;
import java.util.Iterator;
import java.util.List;

/**
 * A new notification target, parsed from the JSON body of {@code POST /api/notification-targets}:
 * {@code {"name", "kind": "webhook", "url", "secret"}} or {@code {"name", "kind": "syslog", "host", "port"?,
 * "transport"?, "facility"?}} (port 514, udp and local0 when left out). Every failure is a
 * {@link BadRequestException} naming the field and what was expected. Stateless.
 */
final class NotificationTargetRequest {
  private static final List<String> WEBHOOK_FIELDS = List.of("name", "kind", "url", "secret");
  private static final List<String> SYSLOG_FIELDS = List.of("name", "kind", "host", "port", "transport", "facility");

  private NotificationTargetRequest() {}

  static TargetSpec parse(String body) {
    JsonNode json;
    try {
      json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("the body must be a JSON object describing a webhook " + WEBHOOK_FIELDS
          + " or a syslog target " + SYSLOG_FIELDS + ": " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new BadRequestException("the body must be a JSON object describing a webhook " + WEBHOOK_FIELDS
          + " or a syslog target " + SYSLOG_FIELDS);
    }
    String kind = text(json, "kind");
    List<String> fields = switch (kind == null ? "" : kind) {
      case "webhook" -> WEBHOOK_FIELDS;
      case "syslog" -> SYSLOG_FIELDS;
      default -> throw new BadRequestException("'kind' must be \"webhook\" or \"syslog\", got "
          + (kind == null ? "nothing" : "\"" + kind + "\""));
    };
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new BadRequestException("unknown field '" + name + "' for a " + kind + " target; expected only "
            + fields);
      }
    }
    try {
      String name = text(json, "name");
      return new TargetSpec(name, "webhook".equals(kind) ? webhook(json) : syslog(json));
    } catch (InvalidTargetException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  private static Endpoint webhook(JsonNode json) {
    return WebhookEndpoint.of(text(json, "url"), text(json, "secret"));
  }

  private static Endpoint syslog(JsonNode json) {
    JsonNode port = json.get("port");
    int number = SyslogEndpoint.DEFAULT_PORT;
    if (port != null && !port.isNull()) {
      if (!port.isIntegralNumber() || !port.canConvertToInt()) {
        throw new InvalidTargetException("port", "must be a port from 1 to 65535, got " + port);
      }
      number = port.intValue();
    }
    String transport = text(json, "transport");
    String facility = text(json, "facility");
    return new SyslogEndpoint(text(json, "host"), number,
        SyslogTransport.of(transport == null ? "udp" : transport),
        SyslogFacility.of(facility == null ? "local0" : facility));
  }

  /** A field's text; null when left out or null; refused when it is not a string. */
  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new BadRequestException("'" + field + "' must be a string, got " + value);
    }
    return value.textValue();
  }
}
