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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback window's edge with real processes and the RRC's default health checks (1 s, 3 misses): with a
 * 20 s window, a 36 s conversation whose Main is frozen 2 s before it ends, and killed once declared failed,
 * started before the window and ended while the failure went undetected; it is marked soon after the failover
 * with the Backup's complete copy as best, and stays one interaction with that best copy once the old Main is
 * back and its truncated copy is marked too. A conversation only the Backup recorded before the window, which
 * the Backup's gap audit had not reached (grace 60 s), is caught up by the audit the promotion runs first.
 * The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WindowEdgeFailoverTest {
  private static final int MAIN = 398_001;
  private static final int BACKUP = 398_002;
  private static final String PAIR = "pair-" + MAIN;
  private static final int WINDOW_SECONDS = 20;

  @TempDir
  static Path root;

  static PairFixture pair;
  static WindowEdgeRound.Result round;
  static ConversationSent olderThanTheWindow;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, MAIN, BACKUP, 12_000, false, "1s");
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void aConversationThatStartedBeforeTheWindowAndEndedBeforeDetectionIsMarkedWithTheBackupsCompleteCopy()
      throws Exception {
    WindowEdgeRound.setRollbackWindow(pair, PAIR, WINDOW_SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0).get("rollbackWindowSeconds").asInt()
            == WINDOW_SECONDS);
    olderThanTheWindow = backupOnlyConversation();

    round = WindowEdgeRound.run(pair, 1, 1);

    WindowEdgeRound.Edge edge = round.edges().getFirst();
    assertThat(edge.markedAt()).as("the conversation's Backup copy is its complete best copy").isNotNull();
    System.out.printf("window edge: conversation %s to %s, Main frozen at %s, failure detected at %s, window from "
        + "%s; marked %d ms after detection%n", edge.start(), edge.end(), round.frozenAt(), round.detectedAt(),
        round.windowFrom(), Duration.between(round.detectedAt(), edge.markedAt()).toMillis());
    assertThat(round.newPrimary().serial).isEqualTo(BACKUP);
    assertThat(round.failover().get("windowSeconds").asInt()).isEqualTo(WINDOW_SECONDS);
    assertThat(edge.start()).as("the conversation started before the window").isBefore(round.windowFrom());
    assertThat(edge.end()).as("and ended after the Main was frozen").isAfter(round.frozenAt());
    assertThat(edge.complete()).isTrue();
    assertThat(Duration.between(round.detectedAt(), edge.markedAt())).as("marked within seconds of the failover")
        .isLessThan(Duration.ofSeconds(30));
    JsonNode interaction = onlyInteraction(edge.correlationKey());
    assertThat(interaction.get("bestInum").asText()).isEqualTo(edge.inum());
    assertThat(ConversationTally.best(interaction).get("complete").asBoolean()).isTrue();
    // The conversation's only copy in the call database is the Backup's; counted when the promotion ended.
    long expected = edge.end().isBefore(round.detectedAt()) ? 1 : 0;
    assertThat(round.failover().get("promoted").asLong()).isBetween(expected, 1L);
    assertThat(round.failover().get("alreadyPresent").asLong()).isZero();
  }

  @Test
  @Order(2)
  void aConversationOlderThanTheWindowThatTheAuditHadNotReachedIsCaughtUpFirst() throws Exception {
    JsonNode gap = null;
    for (JsonNode event : pair.events()) {
      if ("GAP".equals(event.get("type").asText())) {
        assertThat(gap).as("one GAP event").isNull();
        gap = event.get("details");
      }
    }
    assertThat(gap).isNotNull();
    assertThat(gap.get("correlationKey").asText()).isEqualTo(olderThanTheWindow.sessionId());
    assertThat(gap.get("action").asText()).isEqualTo("promoted");
    assertThat(Instant.parse(gap.get("start").asText())).isBefore(round.windowFrom());
    JsonNode interaction = await().atMost(Duration.ofSeconds(30)).until(
        () -> interactionOrNull(olderThanTheWindow.sessionId()), found -> found != null);
    assertThat(interaction.get("bestInum").asText()).isEqualTo(gap.get("inum").asText());
  }

  @Test
  @Order(3)
  void theOldMainComesBackSecondaryAndTheCompleteCopyStaysBest() throws Exception {
    WindowEdgeRound.Edge edge = round.edges().getFirst();
    pair.main.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode health = PairFixture.getJson(pair.main.adminUrl() + "/health");
      return "SECONDARY".equals(health.get("role").asText()) && health.get("epoch").asLong() == 2;
    });
    JsonNode truncated = mainCopy(edge.correlationKey());
    assertThat(truncated.get("state").asText()).isEqualTo("TRUNCATED");

    // Marks the Main's truncated copy, as its own audit would once it links its copies.
    String job = post(pair.main.adminUrl() + "/api/reprocess", "{\"from\":\"2000-01-01T00:00:00Z\",\"to\":\""
        + Instant.now().plusSeconds(3600) + "\"}");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        "DONE".equals(PairFixture.getJson(pair.main.adminUrl() + "/api/jobs/" + job).get("state").asText()));
    JsonNode interaction = await().atMost(Duration.ofSeconds(30)).until(() -> onlyInteraction(edge.correlationKey()),
        found -> found.get("copies").size() == 2);

    assertThat(interaction.get("bestInum").asText()).isEqualTo(edge.inum());
    assertThat(ConversationTally.best(interaction).get("complete").asBoolean()).isTrue();
    List<String> copies = new ArrayList<>();
    interaction.get("copies").forEach(copy -> copies.add(copy.get("inum").asText()));
    assertThat(copies).containsExactlyInAnyOrder(edge.inum(), truncated.get("inum").asText());
    List<ConversationSent> sent = new ArrayList<>(round.load().get(120, TimeUnit.SECONDS).conversations());
    sent.add(olderThanTheWindow);
    assertThat(ConversationTally.awaitEveryConversationOnce(pair, sent)).isEqualTo(new ConversationTally(2, 0, 0, 0, 0, 0));
  }

  /** One short conversation sent to the Backup only, so the Main never hears of it. */
  private static ConversationSent backupOnlyConversation() {
    SimulationReport report = new CallSimulator(new SimulationPlan(
        List.of(new InetSocketAddress("127.0.0.1", pair.backup.sipPort)), 1, 1, Duration.ofSeconds(1), "udp", 0))
        .run();
    assertThat(report.failures()).isZero();
    return report.conversations().getFirst();
  }

  private static JsonNode onlyInteraction(String correlationKey) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100000")) {
      if (interaction.get("correlationKey").asText().equals(correlationKey)) {
        found.add(interaction);
      }
    }
    assertThat(found).as("interactions of conversation %s", correlationKey).hasSize(1);
    return found.getFirst();
  }

  private static JsonNode interactionOrNull(String correlationKey) throws Exception {
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100000")) {
      if (interaction.get("correlationKey").asText().equals(correlationKey)) {
        return interaction;
      }
    }
    return null;
  }

  private static JsonNode mainCopy(String correlationKey) throws Exception {
    for (JsonNode call : PairFixture.getJson(pair.main.adminUrl() + "/api/calls?limit=100000")) {
      if (call.get("correlationKey").asText().equals(correlationKey)) {
        return call;
      }
    }
    throw new AssertionError("the Main holds no copy of conversation " + correlationKey);
  }

  private static String post(String url, String body) throws Exception {
    HttpResponse<String> response = PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return io.tandem.json.Json.MAPPER.readTree(response.body()).get("id").asText();
  }
}
