package io.tandem.shell;

import io.tandem.admin.RecorderStatus;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.stream.Collectors;

/** The text {@code status} prints from a recorder's status. Stateless. */
final class StatusReport {
  private StatusReport() {}

  static String of(RecorderStatus status) {
    ZoneId zone = zone(status.timeZone());
    RecorderStatus.Buffer buffer = status.buffer();
    String span = buffer == null || buffer.oldestStart() == null ? "empty"
        : "calls starting from " + local(buffer.oldestStart(), zone) + " to " + local(buffer.newestStart(), zone)
            + " (" + zone.getId() + ")";
    return String.join("\n",
        "Recorder " + status.serial() + " (" + status.position() + " of " + status.pair() + "): role "
            + status.role() + ", epoch " + status.epoch() + (status.registered() ? ", registered" : ", not registered"),
        "Time zone " + status.timeZone() + ", SIP " + status.sipAddress() + ", active calls " + status.activeCalls(),
        "Call buffer: " + (buffer == null ? 0 : buffer.calls()) + " calls, " + (buffer == null ? 0 : buffer.bytes())
            + " bytes, " + span,
        "Workflow: " + workflow(status.workflow()));
  }

  private static String workflow(Map<String, Long> counts) {
    if (counts == null || counts.isEmpty()) {
      return "empty";
    }
    return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  private static String local(Instant instant, ZoneId zone) {
    return instant == null ? "?" : CommandTime.format(instant.atZone(zone).toLocalDateTime());
  }

  private static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (RuntimeException e) {
      // A zone this JVM does not know: show the span in UTC rather than nothing.
      return ZoneId.of("UTC");
    }
  }
}
