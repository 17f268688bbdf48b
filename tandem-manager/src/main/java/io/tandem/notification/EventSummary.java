package io.tandem.notification;

import io.tandem.database.EventView;
import java.util.Map;

/** One line of plain words for an event, for people reading a syslog or a chat channel. Stateless. */
final class EventSummary {
  private EventSummary() {}

  static String of(EventView event) {
    Map<String, Object> d = event.details();
    String pair = event.pair() == null ? "" : " of pair " + event.pair();
    return switch (event.type()) {
      case "ALARM_RAISED" -> "alarm " + d.get("alarm") + pair + " raised" + about(d);
      case "ALARM_CLEARED" -> "alarm " + d.get("alarm") + pair + " cleared after " + d.get("raisedSeconds") + " s"
          + about(d);
      case "FAILOVER", "FAILBACK" -> event.type().toLowerCase() + pair + " from recorder " + d.get("fromSerial")
          + " to " + d.get("toSerial") + " at epoch " + d.get("epoch") + ": " + outcome(d);
      case "RECORDER_DOWN" -> "recorder " + d.get("serial") + " (" + d.get("position") + ", " + d.get("role") + ")"
          + pair + " is down";
      case "RECORDER_UP" -> "recorder " + d.get("serial") + " (" + d.get("position") + ")" + pair + " is up again";
      case "GAP" -> "call " + d.get("inum") + " recorded by " + d.get("serial") + pair
          + " was missing from the call database: " + d.get("action");
      case "HEARTBEAT" -> Boolean.TRUE.equals(d.get("healthy")) ? "pair " + event.pair() + " is healthy"
          : "pair " + event.pair() + " is not healthy: " + d.get("alarms");
      default -> event.type().toLowerCase() + pair;
    };
  }

  private static String about(Map<String, Object> d) {
    return d.get("serial") == null ? "" : " (recorder " + d.get("serial") + ")";
  }

  private static String outcome(Map<String, Object> d) {
    if ("SUPERSEDED".equals(d.get("outcome"))) {
      return "superseded by a later role change";
    }
    return "promoted " + d.get("promoted") + ", already present " + d.get("alreadyPresent") + ", in "
        + d.get("durationMs") + " ms";
  }
}
