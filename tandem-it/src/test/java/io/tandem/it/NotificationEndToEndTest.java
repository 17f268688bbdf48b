package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.database.EventView;
import io.tandem.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alarms pushed from a real pair: a webhook (from the Manager's config file) and two syslog receivers, UDP and
 * TCP (added through the API), all started by the test on loopback. kill -9 of the Backup raises BACKUP_DOWN and
 * its return clears it; kill -9 of the Main fails the pair over; then, with every receiver down, an alarm is
 * raised, the Manager is killed -9 and started again, the alarm clears, and the receivers come back; last, both
 * recorders killed raise BOTH_DOWN. Every event reaches the webhook and the TCP syslog once, in the order of the
 * event log, each webhook request correctly signed. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotificationEndToEndTest {
  private static final int MAIN = 398_001;
  private static final int BACKUP = 398_002;
  private static final String SECRET = "the secret the webhook and the Manager share";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path root;

  static WebhookReceiver webhook;
  static SyslogReceiver udp;
  static SyslogReceiver tcp;
  static PairFixture pair;
  static long udpFrom;
  static long tcpFrom;

  @BeforeAll
  static void startReceiversAndPair() throws Exception {
    webhook = new WebhookReceiver(SECRET).start();
    udp = new SyslogReceiver(false).start();
    tcp = new SyslogReceiver(true).start();
    pair = new PairFixture(root, MAIN, BACKUP, 31_000, true, "500ms", Map.of(), Map.of(
        "notify.webhook.ops.url", webhook.url(),
        "notify.webhook.ops.secret", SECRET,
        "notify.retryMax", "2s"));
    udpFrom = addSyslogTarget("siem-udp", "udp", udp.port);
    tcpFrom = addSyslogTarget("siem-tcp", "tcp", tcp.port);
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (pair != null) {
      pair.close();
    }
    for (AutoCloseable receiver : new AutoCloseable[] {webhook, udp, tcp}) {
      if (receiver != null) {
        receiver.close();
      }
    }
  }

  @Test
  @Order(1)
  void killedBackupRaisesBackupDownAndEveryTargetIsTold() throws Exception {
    // The first heartbeat comes as soon as both recorders answer, before the syslog targets were added.
    await().atMost(WAIT).until(() -> webhook.accepted().stream().anyMatch(type("HEARTBEAT")));
    assertThat(webhook.accepted().getFirst().get("details").get("healthy").asBoolean()).isTrue();
    Instant killedAt = Instant.now();
    pair.backup.kill9();

    awaitDelivered("ALARM_RAISED", "BACKUP_DOWN");
    JsonNode raised = webhookEvent("ALARM_RAISED", "BACKUP_DOWN");
    Instant appendedAt = Instant.parse(raised.get("at").asText());
    Instant arrivedAt = webhook.arrival(raised.get("id").asLong());
    System.out.printf("notifications: BACKUP_DOWN raised %d ms after kill -9 of the Backup (health interval 500 ms,"
        + " 3 misses), at the webhook %d ms after it was appended%n", Duration.between(killedAt, appendedAt)
        .toMillis(), Duration.between(appendedAt, arrivedAt).toMillis());
    assertThat(raised.get("pair").asText()).isEqualTo("pair-" + MAIN);
    assertThat(raised.get("details").get("serial").asText()).isEqualTo(Integer.toString(BACKUP));
    assertThat(raised.get("summary").asText()).contains("BACKUP_DOWN", "raised");
    assertThat(webhook.refused()).isEmpty();
    SyslogReceiver.Message message = syslogMessage(tcp, "ALARM_RAISED", "BACKUP_DOWN");
    assertThat(message.priority()).as("local0, error").isEqualTo(16 * 8 + 3);
    assertThat(message.structuredData()).contains("serial=\"" + BACKUP + "\"");
  }

  @Test
  @Order(2)
  void backupStartedAgainClearsIt() throws Exception {
    pair.backup.start();

    awaitDelivered("ALARM_CLEARED", "BACKUP_DOWN");
    assertThat(webhookEvent("ALARM_CLEARED", "BACKUP_DOWN").get("details").get("raisedEventId").asLong())
        .isEqualTo(webhookEvent("ALARM_RAISED", "BACKUP_DOWN").get("id").asLong());
    assertThat(syslogMessage(udp, "ALARM_CLEARED", "BACKUP_DOWN").priority()).as("local0, notice")
        .isEqualTo(16 * 8 + 5);
  }

  @Test
  @Order(3)
  void killedMainFailsThePairOverAndTheFailoverIsNotified() throws Exception {
    await().atMost(WAIT).until(() -> pairHealthy());
    pair.main.kill9();

    awaitDelivered("FAILOVER", null);
    JsonNode failover = webhook.accepted().stream().filter(type("FAILOVER")).findFirst().orElseThrow();
    assertThat(failover.get("details").get("toSerial").asText()).isEqualTo(Integer.toString(BACKUP));
    assertThat(failover.get("details").get("outcome").asText()).isEqualTo("DONE");
    awaitDelivered("ALARM_CLEARED", "PRIMARY_DOWN");
    awaitDelivered("ALARM_RAISED", "BACKUP_DOWN");

    pair.main.start();
    await().atMost(WAIT).until(() -> pairHealthy());
    await().atMost(WAIT).until(() -> everyTargetHasDelivered(pair.database.lastEventId(), true));
  }

  @Test
  @Order(4)
  void eventsOfADowntimeOfTheReceiversAndARestartOfTheManagerAreDeliveredOnceInOrder() throws Exception {
    await().atMost(WAIT).until(() -> everyTargetHasDelivered(pair.database.lastEventId(), true));
    webhook.stop();
    udp.stop();
    tcp.stop();
    long before = pair.database.lastEventId();

    pair.main.kill9();
    await().atMost(WAIT).until(() -> appendedSince(before, "ALARM_RAISED", "BACKUP_DOWN"));
    pair.managerProcess.kill9();
    pair.main.start();
    pair.managerProcess.start();
    await().atMost(WAIT).until(() -> appendedSince(before, "ALARM_CLEARED", "BACKUP_DOWN"));
    assertThat(webhook.accepted()).allMatch(event -> event.get("id").asLong() <= before);

    webhook.start();
    udp.start();
    tcp.start();
    long last = pair.database.lastEventId();
    await().atMost(WAIT).until(() -> everyTargetHasDelivered(last, false));

    List<Long> appended = assertEveryEventOnceInOrder();
    assertThat(udp.messages()).extracting(SyslogReceiver.Message::eventId).as("syslog over UDP while it was up")
        .containsAll(appended.stream().filter(id -> id > udpFrom && id <= before).toList());
    assertThat(alarmTransitions()).containsExactly("ALARM_RAISED BACKUP_DOWN", "ALARM_CLEARED BACKUP_DOWN",
        "ALARM_RAISED PRIMARY_DOWN", "ALARM_CLEARED PRIMARY_DOWN", "ALARM_RAISED BACKUP_DOWN",
        "ALARM_CLEARED BACKUP_DOWN", "ALARM_RAISED BACKUP_DOWN", "ALARM_CLEARED BACKUP_DOWN");
  }

  @Test
  @Order(5)
  void bothRecordersKilledRaiseBothDownWhichClearsWhenTheyAreBack() throws Exception {
    await().atMost(WAIT).until(() -> pairHealthy());
    long before = pair.database.lastEventId();
    RecorderProcess primary = pair.primary();
    RecorderProcess secondary = pair.other(primary);
    secondary.kill9();
    await().atMost(WAIT).until(() -> appendedSince(before, "ALARM_RAISED", "BACKUP_DOWN"));
    primary.kill9();

    awaitDelivered("ALARM_RAISED", "BOTH_DOWN");
    assertThat(pair.primary()).as("no failover to a recorder that is down").isSameAs(primary);
    assertThat(syslogMessage(tcp, "ALARM_RAISED", "BOTH_DOWN").priority()).as("local0, critical")
        .isEqualTo(16 * 8 + 2);

    primary.start();
    awaitDelivered("ALARM_CLEARED", "BOTH_DOWN");
    secondary.start();
    await().atMost(WAIT).until(() -> pairHealthy());
    await().atMost(WAIT).until(() -> everyTargetHasDelivered(pair.database.lastEventId(), true));

    assertEveryEventOnceInOrder();
    assertThat(alarmTransitions()).endsWith("ALARM_RAISED BACKUP_DOWN", "ALARM_CLEARED BACKUP_DOWN",
        "ALARM_RAISED BOTH_DOWN", "ALARM_CLEARED BOTH_DOWN", "ALARM_RAISED BACKUP_DOWN", "ALARM_CLEARED BACKUP_DOWN");
  }

  /** The webhook and the TCP syslog got every event of the log once, in order; the UDP syslog none twice. */
  private static List<Long> assertEveryEventOnceInOrder() throws Exception {
    List<Long> appended = pair.database.events().stream().map(EventView::id).toList();
    assertThat(webhook.accepted()).extracting(event -> event.get("id").asLong()).as("webhook")
        .containsExactlyElementsOf(appended);
    assertThat(webhook.refused()).isEmpty();
    assertThat(tcp.messages()).extracting(SyslogReceiver.Message::eventId).as("syslog over TCP")
        .containsExactlyElementsOf(appended.stream().filter(id -> id > tcpFrom).toList());
    assertThat(tcp.malformed()).isEmpty();
    // UDP has no acknowledgement: what was sent while the receiver was down is lost, but nothing comes twice.
    assertThat(udp.messages()).extracting(SyslogReceiver.Message::eventId).as("syslog over UDP")
        .isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
    assertThat(udp.malformed()).isEmpty();
    System.out.printf("notifications: %d events delivered once in order to the webhook, %d to syslog over TCP, "
        + "%d of %d to syslog over UDP%n", webhook.accepted().size(), tcp.messages().size(), udp.messages().size(),
        appended.stream().filter(id -> id > udpFrom).count());
    return appended;
  }

  private static long addSyslogTarget(String name, String transport, int port) throws Exception {
    HttpResponse<String> answer = PairFixture.HTTP.send(HttpRequest.newBuilder(
            URI.create(pair.managerUrl() + "/api/notification-targets"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"kind\":\"syslog\",\"host\":"
            + "\"127.0.0.1\",\"port\":" + port + ",\"transport\":\"" + transport + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    return Json.MAPPER.readTree(answer.body()).get("lastDeliveredEventId").asLong();
  }

  /** Waits until the webhook and both syslog receivers have got an event of this type (and alarm). */
  private static void awaitDelivered(String type, String alarm) {
    await().atMost(WAIT).until(() -> webhook.accepted().stream().anyMatch(type(type).and(alarm(alarm)))
        && tcp.messages().stream().anyMatch(message -> matches(message, type, alarm))
        && udp.messages().stream().anyMatch(message -> matches(message, type, alarm)));
  }

  private static JsonNode webhookEvent(String type, String alarm) {
    return webhook.accepted().stream().filter(type(type).and(alarm(alarm))).findFirst().orElseThrow();
  }

  private static SyslogReceiver.Message syslogMessage(SyslogReceiver receiver, String type, String alarm) {
    return receiver.messages().stream().filter(message -> matches(message, type, alarm)).findFirst().orElseThrow();
  }

  private static boolean matches(SyslogReceiver.Message message, String type, String alarm) {
    return message.msgId().equals(type)
        && (alarm == null || message.structuredData().contains(" alarm=\"" + alarm + "\""));
  }

  private static Predicate<JsonNode> type(String type) {
    return event -> event.get("type").asText().equals(type);
  }

  private static Predicate<JsonNode> alarm(String alarm) {
    return event -> alarm == null || alarm.equals(event.get("details").path("alarm").asText());
  }

  private static boolean appendedSince(long id, String type, String alarm) throws Exception {
    return pair.database.eventsAfter(id, 1000).stream().anyMatch(event -> event.type().equals(type)
        && alarm.equals(event.details().get("alarm")));
  }

  /**
   * Every target's stored mark has reached {@code last}, and the webhook and the TCP syslog hold that event (and
   * the UDP syslog too when {@code udpToo}: not after a downtime, when it may have been sent into the void).
   */
  private static boolean everyTargetHasDelivered(long last, boolean udpToo) throws Exception {
    for (JsonNode target : PairFixture.getJson(pair.managerUrl() + "/api/notification-targets")) {
      if (target.get("lastDeliveredEventId").asLong() < last) {
        return false;
      }
    }
    return webhook.accepted().stream().anyMatch(event -> event.get("id").asLong() == last)
        && tcp.messages().stream().anyMatch(message -> message.eventId() == last)
        && (!udpToo || udp.messages().stream().anyMatch(message -> message.eventId() == last));
  }

  private static boolean pairHealthy() throws Exception {
    return PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0).get("healthy").asBoolean();
  }

  private static List<String> alarmTransitions() throws Exception {
    return pair.database.events().stream().filter(event -> event.type().startsWith("ALARM_"))
        .map(event -> event.type() + " " + event.details().get("alarm")).toList();
  }
}
