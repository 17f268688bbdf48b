package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.ConversationSent;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on a real pair with a 30 s retention, the gap policy {@code report} (so that a call only the Backup got
 * stays unlinked) and a Backup whose call buffer takes 1 MiB: conversations marked and linked are rolled off, while
 * an unlinked copy, one awaiting reprocess and the copies in a legal hold are kept and counted, and go at the next
 * pass once linked, reprocessed or released; held copies that fill the Backup's buffer raise BUFFER_HELD_FULL and
 * turn new calls away until they are linked. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionEndToEndTest {
  private static final int MAIN = 398_001;
  private static final int BACKUP = 398_002;
  private static final String PAIR = "pair-" + MAIN;
  private static final long MIB = 1L << 20;
  /** Past a 30 s retention, with passes every 7.5 s: generous for a loaded machine. */
  private static final Duration ROLL_OFF = Duration.ofSeconds(120);
  private static final DateTimeFormatter REBUILD_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSS")
      .withZone(ZoneOffset.UTC);

  @TempDir
  static Path root;

  static PairFixture pair;
  static ConversationSent held;
  static ConversationSent plain;
  static ConversationSent awaiting;
  static ConversationSent unlinked;
  static long holdId;

  @BeforeAll
  static void startPair() throws Exception {
    pair = PairFixture.with(root, MAIN, BACKUP, 5_000, Map.of("buffer.retention", "30s", "gap.grace", "1s"),
        Map.of(), Map.of("buffer.capacityBytes", Long.toString(MIB)));
    HttpResponse<String> policy = send("PUT", pair.managerUrl() + "/api/pairs/" + PAIR + "/policy",
        "{\"gapPolicy\":\"report\"}");
    assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        "report".equals(PairFixture.getJson(pair.backup.adminUrl() + "/api/status").get("gapPolicy").asText()));
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void onlyCopiesLinkedNotAwaitingReprocessAndOutsideAnyHoldAreRolledOff() throws Exception {
    Instant holdFrom = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant holdTo = holdFrom.plusSeconds(5);
    JsonNode hold = json(send("POST", holdsUrl(), "{\"from\":\"" + holdFrom + "\",\"to\":\"" + holdTo
        + "\",\"reason\":\"case 2026-17\"}"), 201);
    holdId = hold.get("id").asLong();
    held = simulate(pair.sipAddresses(), 1, Duration.ofSeconds(1)).getFirst();
    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(holdTo));
    List<ConversationSent> two = simulate(pair.sipAddresses(), 2, Duration.ofSeconds(1));
    plain = two.get(0);
    awaiting = two.get(1);
    unlinked = simulate(List.of(backupAddress()), 1, Duration.ofSeconds(1)).getFirst();
    ConversationTally.awaitEveryCopyLinked(pair, List.of(held, plain, awaiting), Duration.ofSeconds(30));
    assertThat(start(pair.main, held)).isBetween(holdFrom, holdTo);
    assertThat(start(pair.backup, held)).isBetween(holdFrom, holdTo);
    // Each recorder reads the pair's holds at its retention passes.
    for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> PairFixture.getJson(recorder.adminUrl() + "/api/status")
          .get("legalHolds").findValuesAsText("reason").equals(List.of("case 2026-17")));
    }

    // A Rebuild Full of the one call leaves it awaiting reprocess, its copy marked already.
    Instant awaitingStart = start(pair.main, awaiting);
    rebuild(pair.main, "Full", awaitingStart.truncatedTo(ChronoUnit.MILLIS),
        awaitingStart.plusMillis(1).truncatedTo(ChronoUnit.MILLIS));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        PairFixture.getJson(pair.main.adminUrl() + "/api/status").get("workflow").path("AWAITING_REPROCESS")
            .asLong() == 1);

    await().atMost(ROLL_OFF).until(() -> heldCalls(pair.main) == 2 && heldCalls(pair.backup) == 2);
    assertThat(calls(pair.main)).containsOnlyKeys(held.sessionId(), awaiting.sessionId());
    assertThat(calls(pair.backup)).containsOnlyKeys(held.sessionId(), unlinked.sessionId());
    for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
      long bytes = calls(recorder).values().stream().mapToLong(call -> call.get("media").get("bytes").asLong()).sum();
      assertThat(bytes).isPositive();
      JsonNode buffer = health(recorder).get("buffer");
      assertThat(buffer.get("heldBytes").asLong()).isEqualTo(bytes);
      assertThat(metric(recorder, "tandem_buffer_held_bytes")).isEqualTo(bytes);
      assertThat(metric(recorder, "tandem_buffer_held_calls")).isEqualTo(2);
    }
  }

  @Test
  @Order(2)
  void heldCopiesGoAtTheNextPassOnceReleasedReprocessedOrLinked() throws Exception {
    assertThat(send("DELETE", holdsUrl() + "/" + holdId, null).statusCode()).isEqualTo(204);
    await().atMost(ROLL_OFF).until(() -> !calls(pair.main).containsKey(held.sessionId())
        && !calls(pair.backup).containsKey(held.sessionId()));

    Instant awaitingStart = start(pair.main, awaiting);
    HttpResponse<String> reprocess = send("POST", pair.managerUrl() + "/api/reprocess", "{\"serial\":\"" + MAIN
        + "\",\"from\":\"" + awaitingStart.minusSeconds(1) + "\",\"to\":\"" + awaitingStart.plusSeconds(1) + "\"}");
    assertThat(reprocess.statusCode()).as(reprocess.body()).isEqualTo(202);
    rebuild(pair.backup, "Fix", null, null);
    await().atMost(Duration.ofSeconds(30)).until(() -> interactionKeys().contains(unlinked.sessionId()));

    await().atMost(ROLL_OFF).until(() -> calls(pair.main).isEmpty() && calls(pair.backup).isEmpty());
    await().atMost(ROLL_OFF).until(() -> heldCalls(pair.main) == 0 && heldCalls(pair.backup) == 0);
    assertThat(metric(pair.backup, "tandem_buffer_held_bytes")).isZero();
  }

  @Test
  @Order(3)
  void heldCopiesFillingTheBufferRaiseBufferHeldFullAndTurnCallsAwayUntilTheyAreLinked() throws Exception {
    // Four two-stream calls of 12 s write 4 x 12 x 32 KB, past the Backup's 1 MiB; none is linked.
    simulate(List.of(backupAddress()), 4, Duration.ofSeconds(12));
    String alarm = "BUFFER_HELD_FULL@" + BACKUP;
    await().atMost(ROLL_OFF).until(() -> pairAlarms().contains(alarm));
    JsonNode raised = lastAlarmEvent("BUFFER_HELD_FULL");
    assertThat(raised.get("type").asText()).isEqualTo("ALARM_RAISED");
    assertThat(raised.get("details").get("serial").asText()).isEqualTo(Integer.toString(BACKUP));
    HttpResponse<byte[]> health = PairFixture.getBytes(pair.backup.adminUrl() + "/health", null);
    assertThat(health.statusCode()).isEqualTo(503);
    JsonNode body = Json.MAPPER.readTree(health.body());
    assertThat(body.get("capturing").asBoolean()).isFalse();
    assertThat(body.get("alarms").toString()).contains("BUFFER_HELD_FULL");
    assertThat(body.get("buffer").get("bytes").asLong()).isGreaterThan(MIB);
    assertThat(body.get("buffer").get("heldCalls").asLong()).isEqualTo(4);
    assertThat(metric(pair.backup, "tandem_buffer_held_full")).isEqualTo(1);

    SimulationReport refused = new CallSimulator(new SimulationPlan(List.of(backupAddress()), 1, 4,
        Duration.ofSeconds(1), "udp", 0)).run();
    assertThat(refused.failures()).as("a new call to a buffer full of held copies").isEqualTo(1);
    assertThat(calls(pair.backup)).hasSize(4);

    rebuild(pair.backup, "Fix", null, null);
    await().atMost(ROLL_OFF).until(() -> !pairAlarms().contains(alarm));
    JsonNode cleared = lastAlarmEvent("BUFFER_HELD_FULL");
    assertThat(cleared.get("type").asText()).isEqualTo("ALARM_CLEARED");
    assertThat(cleared.get("details").get("raisedEventId").asLong()).isEqualTo(raised.get("id").asLong());
    assertThat(PairFixture.getBytes(pair.backup.adminUrl() + "/health", null).statusCode()).isEqualTo(200);
    assertThat(health(pair.backup).get("buffer").get("bytes").asLong()).isLessThanOrEqualTo(MIB);
    assertThat(simulate(List.of(backupAddress()), 1, Duration.ofSeconds(1))).hasSize(1);
  }

  private static String holdsUrl() {
    return pair.managerUrl() + "/api/pairs/" + PAIR + "/legal-holds";
  }

  private static List<ConversationSent> simulate(List<InetSocketAddress> recorders, int conversations,
      Duration duration) {
    SimulationReport report = new CallSimulator(new SimulationPlan(recorders, conversations, 4, duration, "udp", 0))
        .run();
    assertThat(report.failures()).isZero();
    return report.conversations();
  }

  private static InetSocketAddress backupAddress() {
    return new InetSocketAddress("127.0.0.1", pair.backup.sipPort);
  }

  /** The calls in a recorder's buffer by correlation key. */
  private static Map<String, JsonNode> calls(RecorderProcess recorder) throws Exception {
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls")) {
      byKey.put(call.get("correlationKey").asText(), call);
    }
    return byKey;
  }

  private static Instant start(RecorderProcess recorder, ConversationSent conversation) throws Exception {
    JsonNode call = calls(recorder).get(conversation.sessionId());
    assertThat(call).as("the call of " + conversation.sessionId() + " on " + recorder.adminUrl()).isNotNull();
    return Instant.parse(call.get("start").asText());
  }

  private static void rebuild(RecorderProcess recorder, String kind, Instant from, Instant to) throws Exception {
    String command = "Rebuild " + kind + " true true"
        + (from == null ? "" : " " + REBUILD_TIME.format(from) + " " + REBUILD_TIME.format(to));
    HttpResponse<String> started = send("POST", recorder.adminUrl() + "/api/rebuild",
        "{\"command\":\"" + command + "\",\"actor\":\"test\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
  }

  private static JsonNode health(RecorderProcess recorder) throws Exception {
    return Json.MAPPER.readTree(PairFixture.getBytes(recorder.adminUrl() + "/health", null).body());
  }

  private static long heldCalls(RecorderProcess recorder) throws Exception {
    return health(recorder).get("buffer").get("heldCalls").asLong();
  }

  private static long metric(RecorderProcess recorder, String name) throws Exception {
    String text = new String(PairFixture.getBytes(recorder.adminUrl() + "/metrics", null).body());
    Matcher value = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$").matcher(text);
    assertThat(value.find()).as(name + " in the metrics of " + recorder.adminUrl()).isTrue();
    return (long) Double.parseDouble(value.group(1));
  }

  private static List<String> interactionKeys() throws Exception {
    return PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100000").findValuesAsText(
        "correlationKey");
  }

  private static String pairAlarms() throws Exception {
    return PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0).get("alarms").toString();
  }

  /** The last ALARM_RAISED or ALARM_CLEARED event of this alarm. */
  private static JsonNode lastAlarmEvent(String alarm) throws Exception {
    JsonNode last = null;
    for (JsonNode event : pair.events()) {
      if (event.get("type").asText().startsWith("ALARM_") && alarm.equals(event.get("details").get("alarm").asText())) {
        last = event;
      }
    }
    assertThat(last).as("an event of alarm " + alarm).isNotNull();
    return last;
  }

  private static HttpResponse<String> send(String method, String url, String body) throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> answer, int status) throws Exception {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    return Json.MAPPER.readTree(answer.body());
  }

}
