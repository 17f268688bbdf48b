package io.tandem.notification;

import io.tandem.database.EventView;
import io.tandem.json.Json;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An event as an RFC 5424 syslog message: {@code <PRI>1 TIMESTAMP HOSTNAME tandem PROCID TYPE [tandem@32473
 * eventId=".." pair=".." (each detail)] BOM summary}. The severity follows the event (critical for BOTH_DOWN
 * raised, error for other alarms raised, warning for a failover, a recorder down, a gap or an unhealthy
 * heartbeat, notice for what clears, informational for a healthy heartbeat). 32473 is the enterprise number
 * RFC 5612 sets aside for documentation, as Tandem has none of its own. Stateless.
 */
final class SyslogMessage {
  static final String SD_ID = "tandem@32473";
  static final String APP_NAME = "tandem";
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final char BOM = '\uFEFF';
  private static final int MAX_NAME = 32;

  private SyslogMessage() {}

  static String format(EventView event, SyslogFacility facility, String hostname, long procId) {
    StringBuilder message = new StringBuilder(256);
    message.append('<').append(facility.code() * 8 + severity(event)).append(">1 ")
        .append(TIMESTAMP.format(event.at().truncatedTo(ChronoUnit.MICROS))).append(' ')
        .append(header(hostname, 255)).append(' ')
        .append(APP_NAME).append(' ')
        .append(procId).append(' ')
        .append(header(event.type(), MAX_NAME)).append(" [").append(SD_ID);
    param(message, "eventId", Long.toString(event.id()));
    if (event.pair() != null) {
      param(message, "pair", event.pair());
    }
    for (Map.Entry<String, Object> detail : event.details().entrySet()) {
      if (detail.getValue() != null) {
        param(message, name(detail.getKey()), text(detail.getValue()));
      }
    }
    return message.append("] ").append(BOM).append(EventSummary.of(event)).toString();
  }

  /** RFC 5424 severities: 2 critical, 3 error, 4 warning, 5 notice, 6 informational. */
  static int severity(EventView event) {
    Object alarm = event.details().get("alarm");
    return switch (event.type()) {
      case "ALARM_RAISED" -> "BOTH_DOWN".equals(alarm) ? 2 : 3;
      case "FAILOVER", "RECORDER_DOWN", "GAP" -> 4;
      case "ALARM_CLEARED", "FAILBACK", "RECORDER_UP" -> 5;
      case "HEARTBEAT" -> Boolean.TRUE.equals(event.details().get("healthy")) ? 6 : 4;
      default -> 6;
    };
  }

  private static void param(StringBuilder message, String name, String value) {
    message.append(' ').append(name).append("=\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == ']') {
        message.append('\\');
      }
      message.append(c);
    }
    message.append('"');
  }

  /** An SD-NAME: printable US-ASCII but '=', space, ']' and '"', 1 to 32 of them. */
  private static String name(String key) {
    String name = key.chars().filter(c -> c > 32 && c < 127 && c != '=' && c != ']' && c != '"')
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    name = name.isEmpty() ? "detail" : name;
    return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
  }

  /** A header field: printable US-ASCII without spaces, at most {@code max} long, or the nil value. */
  private static String header(String value, int max) {
    String field = value == null ? "" : value.chars().filter(c -> c > 32 && c < 127)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    if (field.isEmpty()) {
      return "-";
    }
    return field.length() > max ? field.substring(0, max) : field;
  }

  private static String text(Object value) {
    if (value instanceof List<?> list && list.stream().noneMatch(v -> v instanceof Map || v instanceof List)) {
      return list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return value instanceof Map || value instanceof List ? Json.write(value) : value.toString();
  }
}
