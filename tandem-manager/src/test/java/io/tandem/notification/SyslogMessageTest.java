package io.tandem.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.database.EventView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SyslogMessageTest {
  private static final Instant AT = Instant.parse("2026-12-01T08:00:00.123456789Z");
  /** RFC 5424: PRI VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, one SD-ELEMENT, then BOM and the text. */
  private static final Pattern RFC5424 = Pattern.compile("<(\\d{1,3})>1 (\\S+) (\\S{1,255}) (\\S{1,48}) (\\S{1,128}) "
      + "(\\S{1,32}) \\[tandem@32473((?: [^= \\]\"]{1,32}=\"(?:[^\"\\\\\\]]|\\\\[\"\\\\\\]])*\")*)\\] \uFEFF(.*)");

  @Test
  void anAlarmRaisedIsAnErrorWithItsFieldsAsStructuredData() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("alarm", "BACKUP_DOWN");
    details.put("serial", "100002");
    details.put("note", "say \"hi\" \\ ]");
    EventView event = new EventView(42, "ALARM_RAISED", AT, "pair-1", details);

    assertThat(SyslogMessage.format(event, SyslogFacility.LOCAL0, "host.example", 4242)).isEqualTo(
        "<131>1 2026-12-01T08:00:00.123456Z host.example tandem 4242 ALARM_RAISED [tandem@32473 eventId=\"42\" "
            + "pair=\"pair-1\" alarm=\"BACKUP_DOWN\" serial=\"100002\" note=\"say \\\"hi\\\" \\\\ \\]\"] \uFEFF"
            + "alarm BACKUP_DOWN of pair pair-1 raised (recorder 100002)");
  }

  @Test
  void severityFollowsTheEvent() {
    assertThat(severity("ALARM_RAISED", Map.of("alarm", "BOTH_DOWN"))).isEqualTo(2);
    assertThat(severity("ALARM_RAISED", Map.of("alarm", "GAP"))).isEqualTo(3);
    assertThat(severity("FAILOVER", Map.of())).isEqualTo(4);
    assertThat(severity("RECORDER_DOWN", Map.of())).isEqualTo(4);
    assertThat(severity("ALARM_CLEARED", Map.of("alarm", "BOTH_DOWN"))).isEqualTo(5);
    assertThat(severity("HEARTBEAT", Map.of("healthy", true))).isEqualTo(6);
    assertThat(severity("HEARTBEAT", Map.of("healthy", false))).isEqualTo(4);
  }

  @Test
  void aHeartbeatWithListsAndObjectsKeepsTheGrammarOfRfc5424() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("healthy", false);
    details.put("alarms", List.of("BACKUP_DOWN", "DISK_LOW@100001"));
    details.put("recorders", List.of(Map.of("serial", "100001"), Map.of("serial", "100002")));
    details.put("a name with spaces = and \"quotes\" that runs past thirty-two characters", "x");
    EventView event = new EventView(7, "HEARTBEAT", AT, "pair-1", details);

    String message = SyslogMessage.format(event, SyslogFacility.DAEMON, "", 1);

    Matcher parts = RFC5424.matcher(message);
    assertThat(parts.matches()).as(message).isTrue();
    assertThat(parts.group(1)).isEqualTo(Integer.toString(3 * 8 + 4));
    assertThat(parts.group(3)).as("an empty host name is the nil value").isEqualTo("-");
    assertThat(parts.group(6)).isEqualTo("HEARTBEAT");
    assertThat(parts.group(7)).contains(" alarms=\"BACKUP_DOWN,DISK_LOW@100001\"")
        .contains(" recorders=\"[{\\\"serial\\\":\\\"100001\\\"},{\\\"serial\\\":\\\"100002\\\"}\\]\"");
    assertThat(parts.group(8)).isEqualTo("pair pair-1 is not healthy: [BACKUP_DOWN, DISK_LOW@100001]");
  }

  private static int severity(String type, Map<String, Object> details) {
    return SyslogMessage.severity(new EventView(1, type, AT, "pair-1", details));
  }
}
