package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secondary's gap audit with real processes: conversations both recorders got are marked by the Main and
 * leave no gap, and the Backup's copies are linked to them once the grace period has passed; one only the
 * Backup got (the Main never heard of it) is reported as a GAP event and promoted under the default policy,
 * and only reported once the policy is {@code report}, when it holds the pair's GAP alarm until a Rebuild Fix on
 * the Backup marks it. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GapAuditEndToEndTest {
  private static final int MAIN = 397_001;
  private static final int BACKUP = 397_002;
  private static final String PAIR = "pair-" + MAIN;

  @TempDir
  static Path root;

  static PairFixture pair;
  static final List<ConversationSent> sent = new ArrayList<>();
  static ConversationSent reportedOnly;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, MAIN, BACKUP, 28_000, false, "500ms", Map.of("gap.grace", "2s"));
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void conversationsBothRecordersGotAreMarkedByTheMainAndTheBackupsCopiesLinkedAfterTheGracePeriod()
      throws Exception {
    sent.addAll(simulate(pair.sipAddresses(), 3).conversations());

    ConversationTally.awaitEveryCopyLinked(pair, sent, Duration.ofSeconds(30));

    for (JsonNode interaction : interactions()) {
      assertThat(serials(interaction)).containsExactly(Integer.toString(MAIN), Integer.toString(BACKUP));
      assertThat(interaction.get("copies")).extracting(copy -> copy.get("callRole").asText())
          .containsExactly("MASTER", "SLAVE");
    }
    await().atMost(Duration.ofSeconds(10)).until(() ->
        backupMetrics().contains("tandem_linked_copies_total{serial=\"" + BACKUP + "\"} 3.0"));
    assertThat(pair.events()).noneMatch(event -> "GAP".equals(event.get("type").asText()));
  }

  @Test
  @Order(2)
  void aConversationOnlyTheBackupGotIsReportedAndPromotedWithTheBackupsCopy() throws Exception {
    ConversationSent missed = simulate(List.of(backupAddress()), 1).conversations().getFirst();
    sent.add(missed);

    JsonNode gap = awaitGaps(1).getFirst();
    assertThat(gap.get("details").get("correlationKey").asText()).isEqualTo(missed.sessionId());
    assertThat(gap.get("details").get("serial").asText()).isEqualTo(Integer.toString(BACKUP));
    assertThat(gap.get("details").get("action").asText()).isEqualTo("promoted");
    ConversationTally tally = ConversationTally.awaitEveryConversationOnce(pair, sent);
    assertThat(tally.duplicated()).isZero();
    JsonNode interaction = interaction(missed.sessionId());
    assertThat(serials(interaction)).containsExactly(Integer.toString(BACKUP));
    assertThat(interaction.get("copies").get(0).get("marked").asBoolean()).isTrue();
    assertThat(gap.get("details").get("inum").asText()).isEqualTo(interaction.get("bestInum").asText());
    await().atMost(Duration.ofSeconds(10)).until(() ->
        backupMetrics().contains("tandem_gap_calls_total{serial=\"" + BACKUP + "\"} 1.0"));
  }

  @Test
  @Order(3)
  void underTheReportPolicyTheNextGapIsReportedButNotMarked() throws Exception {
    HttpResponse<String> answer = put(pair.managerUrl() + "/api/pairs/" + PAIR + "/policy",
        "{\"gapPolicy\":\"report\"}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        "report".equals(PairFixture.getJson(pair.backup.adminUrl() + "/api/status").get("gapPolicy").asText()));

    ConversationSent missed = simulate(List.of(backupAddress()), 1).conversations().getFirst();
    reportedOnly = missed;

    JsonNode gap = awaitGaps(2).get(1);
    assertThat(gap.get("details").get("correlationKey").asText()).isEqualTo(missed.sessionId());
    assertThat(gap.get("details").get("action").asText()).isEqualTo("reported");
    // The count moves once the audit has committed, promotion included, so what follows is its final word.
    await().atMost(Duration.ofSeconds(10)).until(() ->
        backupMetrics().contains("tandem_gap_calls_total{serial=\"" + BACKUP + "\"} 2.0"));
    JsonNode call = PairFixture.getJson(pair.backup.adminUrl() + "/api/calls/" + gap.get("details").get("inum")
        .asText());
    assertThat(call.get("correlationKey").asText()).isEqualTo(missed.sessionId());
    long workflowEntries = 0;
    for (JsonNode count : PairFixture.getJson(pair.backup.adminUrl() + "/api/status").get("workflow")) {
      workflowEntries += count.asLong();
    }
    assertThat(workflowEntries).as("only the call promoted before").isEqualTo(1);
    assertThat(interactions()).noneMatch(i -> i.get("correlationKey").asText().equals(missed.sessionId()));
  }

  @Test
  @Order(4)
  void aReportedGapHoldsTheGapAlarmUntilARebuildFixMarksItsCall() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> pairAlarms().contains("\"GAP\""));
    JsonNode raised = lastAlarmEvent("GAP");
    assertThat(raised.get("type").asText()).isEqualTo("ALARM_RAISED");
    assertThat(raised.get("details").get("correlationKey").asText()).isEqualTo(reportedOnly.sessionId());
    assertThat(raised.get("details").get("missingCalls").asInt()).isEqualTo(1);

    HttpResponse<String> started = post(pair.backup.adminUrl() + "/api/rebuild",
        "{\"command\":\"Rebuild Fix true true\",\"actor\":\"test\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> interactions().findValuesAsText("correlationKey")
        .contains(reportedOnly.sessionId()));

    await().atMost(Duration.ofSeconds(10)).until(() -> !pairAlarms().contains("\"GAP\""));
    JsonNode cleared = lastAlarmEvent("GAP");
    assertThat(cleared.get("type").asText()).isEqualTo("ALARM_CLEARED");
    assertThat(cleared.get("details").get("raisedEventId").asLong()).isEqualTo(raised.get("id").asLong());
    long gapEventsSince = 0;
    for (JsonNode event : pair.events()) {
      gapEventsSince += event.get("id").asLong() > raised.get("id").asLong()
          && event.get("type").asText().startsWith("ALARM_") && "GAP".equals(event.get("details").get("alarm").asText())
          ? 1 : 0;
    }
    assertThat(gapEventsSince).as("raised once, cleared once").isEqualTo(1);
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

  private static HttpResponse<String> post(String url, String body) throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static SimulationReport simulate(List<InetSocketAddress> recorders, int conversations) {
    SimulationReport report = new CallSimulator(new SimulationPlan(recorders, conversations, 4,
        Duration.ofSeconds(1), "udp", 0)).run();
    assertThat(report.failures()).isZero();
    return report;
  }

  private static InetSocketAddress backupAddress() {
    return new InetSocketAddress("127.0.0.1", pair.backup.sipPort);
  }

  private static List<JsonNode> awaitGaps(int count) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> {
      List<JsonNode> gaps = new ArrayList<>();
      for (JsonNode event : pair.events()) {
        if ("GAP".equals(event.get("type").asText())) {
          gaps.add(event);
        }
      }
      return gaps;
    }, gaps -> gaps.size() >= count);
  }

  private static JsonNode interactions() throws Exception {
    return PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100000");
  }

  private static JsonNode interaction(String correlationKey) throws Exception {
    for (JsonNode interaction : interactions()) {
      if (interaction.get("correlationKey").asText().equals(correlationKey)) {
        return interaction;
      }
    }
    throw new AssertionError("no interaction for " + correlationKey);
  }

  private static List<String> serials(JsonNode interaction) {
    List<String> serials = new ArrayList<>();
    interaction.get("copies").forEach(copy -> serials.add(copy.get("serial").asText()));
    return serials;
  }

  private static String backupMetrics() throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(pair.backup.adminUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpResponse<String> put(String url, String body) throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
