package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover of a real pair by the RRC: kill -9 of the Main, its restart as secondary, a SIGSTOP of the
 * primary past the failure threshold, and a failback by hand. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverTest {
  private static final int MAIN = 380_001;
  private static final int BACKUP = 380_002;

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, MAIN, BACKUP, 22_000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void killedMainFailsOverAndTheEventFiguresMatchTheDatabase() throws Exception {
    CompletableFuture<SimulationReport> load = simulate(12, 4, Duration.ofSeconds(2));
    // Some of the Backup's calls have ended before the kill: detection now comes within a fraction of a second,
    // and the figures below are checked against calls that ended before it.
    await().atMost(Duration.ofSeconds(20)).until(() ->
        PairFixture.getJson(pair.main.adminUrl() + "/api/calls").size() >= 8 && endedCalls(pair.backup) >= 2);
    Instant killedAt = Instant.now();
    pair.main.kill9();

    JsonNode event = awaitFailovers(1).get(0);
    Instant detectedAt = Instant.parse(event.get("details").get("detectedAt").asText());
    System.out.printf("failover: detected %d ms after kill -9, done %d ms after detection%n",
        Duration.between(killedAt, detectedAt).toMillis(), event.get("details").get("durationMs").asLong());
    assertThat(Duration.between(killedAt, detectedAt)).isLessThan(Duration.ofSeconds(5));
    assertThat(event.get("details").get("toSerial").asText()).isEqualTo(Integer.toString(BACKUP));
    assertThat(event.get("details").get("epoch").asLong()).isEqualTo(2);

    SimulationReport report = load.get();
    ConversationTally.awaitEveryConversationOnce(pair, report.conversations());
    // The figures are counted when the promotion ends: every Backup copy live in the window that had ended by
    // detection is in them, and a call still recording then only if it was marked by the time the job ended.
    Instant windowFrom = Instant.parse(event.get("details").get("windowFrom").asText());
    long[] endedByDetection = backupCopiesLiveInWindow(windowFrom, detectedAt, detectedAt);
    long[] live = backupCopiesLiveInWindow(windowFrom, detectedAt, Instant.parse("9999-01-01T00:00:00Z"));
    assertThat(endedByDetection[0] + endedByDetection[1]).as("backup calls of the window that had ended")
        .isPositive();
    assertThat(event.get("details").get("promoted").asLong()).isBetween(endedByDetection[0], live[0]);
    assertThat(event.get("details").get("alreadyPresent").asLong()).isBetween(endedByDetection[1], live[1]);
  }

  @Test
  @Order(2)
  void restartedMainComesBackSecondaryAndItsTruncatedCopyNeverWins() throws Exception {
    pair.main.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode health = PairFixture.getJson(pair.main.adminUrl() + "/health");
      return "SECONDARY".equals(health.get("role").asText()) && health.get("epoch").asLong() == 2;
    });
    assertThat(copiesMarkedBy(MAIN, Instant.EPOCH, 2)).isZero();

    // Marks every copy the Main holds, its truncated ones too.
    String job = start(pair.main.adminUrl() + "/api/reprocess", "{\"from\":\"2000-01-01T00:00:00Z\",\"to\":\""
        + Instant.now().plusSeconds(3600) + "\"}");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        "DONE".equals(PairFixture.getJson(pair.main.adminUrl() + "/api/jobs/" + job).get("state").asText()));
    await().atMost(Duration.ofSeconds(30)).until(() -> copiesMarkedBy(MAIN, Instant.EPOCH, 1)
        == PairFixture.getJson(pair.main.adminUrl() + "/api/calls").size());
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100000")) {
      assertThat(ConversationTally.best(interaction).get("complete").asBoolean())
          .as("best copy of %s", interaction).isTrue();
    }
  }

  @Test
  @Order(3)
  void pausedPrimaryMarksNothingAfterFailover() throws Exception {
    CompletableFuture<SimulationReport> load = simulate(6, 3, Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        PairFixture.getJson(pair.backup.adminUrl() + "/health").get("activeCalls").asInt() >= 2);
    Instant pausedAt = Instant.now();
    pair.backup.pause();
    try {
      JsonNode event = awaitFailovers(2).get(1);
      assertThat(event.get("details").get("toSerial").asText()).isEqualTo(Integer.toString(MAIN));
    } finally {
      pair.backup.resume();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode health = PairFixture.getJson(pair.backup.adminUrl() + "/health");
      return "SECONDARY".equals(health.get("role").asText()) && health.get("epoch").asLong() == 3;
    });
    load.get();
    // Give the resumed recorder every chance to mark what it held from its primary days.
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(copiesMarkedUnder(BACKUP, pausedAt, 2)).as("marked under the epoch it lost").isZero();
  }

  @Test
  @Order(4)
  void manualFailbackSwapsTheRolesBackOnce() throws Exception {
    HttpResponse<String> refused = post(pair.managerUrl() + "/api/pairs/pair-" + MAIN + "/failback", "");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);

    pair.database.updatePairPolicy("pair-" + MAIN, null, "manual", null, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0)
        .get("healthy").asBoolean());
    HttpResponse<String> accepted = post(pair.managerUrl() + "/api/pairs/pair-" + MAIN + "/failback", "");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

    await().atMost(Duration.ofSeconds(20)).until(() -> count(pair.events(), "FAILBACK") == 1);
    JsonNode status = PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0);
    assertThat(status.get("epoch").asLong()).isEqualTo(4);
    assertThat(status.get("recorders").get(0).get("role").asText()).isEqualTo("SECONDARY");
    assertThat(status.get("recorders").get(1).get("role").asText()).isEqualTo("PRIMARY");
  }

  static CompletableFuture<SimulationReport> simulate(int conversations, double cps, Duration length) {
    return CompletableFuture.supplyAsync(() -> new CallSimulator(new SimulationPlan(pair.sipAddresses(),
        conversations, cps, length, "udp", 0)).run());
  }

  private static JsonNode awaitFailovers(int done) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> {
      com.fasterxml.jackson.databind.node.ArrayNode failovers = io.tandem.json.Json.MAPPER.createArrayNode();
      for (JsonNode event : pair.events()) {
        if ("FAILOVER".equals(event.get("type").asText())) {
          failovers.add(event);
        }
      }
      return failovers;
    }, failovers -> failovers.size() >= done);
  }

  private static long count(JsonNode events, String type) {
    long count = 0;
    for (JsonNode event : events) {
      count += type.equals(event.get("type").asText()) ? 1 : 0;
    }
    return count;
  }

  /**
   * The Backup's copies live in the window (started before detection, ended at or after the window's start)
   * that ended before {@code endedBefore}: {only the Backup's, shared with the Main}.
   */
  private static int endedCalls(RecorderProcess recorder) throws Exception {
    int ended = 0;
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls")) {
      ended += call.path("end").isNull() || call.path("end").isMissingNode() ? 0 : 1;
    }
    return ended;
  }

  private static long[] backupCopiesLiveInWindow(Instant windowFrom, Instant detectedAt, Instant endedBefore)
      throws Exception {
    try (Connection connection = DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        PreparedStatement query = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM copies o WHERE "
            + "o.interaction_id = c.interaction_id AND o.serial = ?) FROM copies c WHERE c.serial = ? "
            + "AND c.start_time < ? AND c.end_time >= ? AND c.end_time < ?")) {
      query.setInt(1, MAIN);
      query.setInt(2, BACKUP);
      query.setTimestamp(3, Timestamp.from(detectedAt));
      query.setTimestamp(4, Timestamp.from(windowFrom));
      query.setTimestamp(5, Timestamp.from(endedBefore));
      long[] figures = new long[2];
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          figures[rows.getBoolean(1) ? 1 : 0]++;
        }
      }
      return figures;
    }
  }

  /** Copies of {@code serial} marked at or after {@code since} under an epoch from {@code epoch} up. */
  static long copiesMarkedBy(int serial, Instant since, long epoch) throws Exception {
    try (Connection connection = DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM copies WHERE serial = ? "
            + "AND marked_at >= ? AND marked_epoch >= ?")) {
      query.setInt(1, serial);
      query.setTimestamp(2, Timestamp.from(since));
      query.setLong(3, epoch);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Copies of {@code serial} marked at or after {@code since} under exactly {@code epoch}. */
  static long copiesMarkedUnder(int serial, Instant since, long epoch) throws Exception {
    try (Connection connection = DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM copies WHERE serial = ? "
            + "AND marked_at >= ? AND marked_epoch = ?")) {
      query.setInt(1, serial);
      query.setTimestamp(2, Timestamp.from(since));
      query.setLong(3, epoch);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static String start(String url, String body) throws Exception {
    HttpResponse<String> response = post(url, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return io.tandem.json.Json.MAPPER.readTree(response.body()).get("id").asText();
  }

  private static HttpResponse<String> post(String url, String body) throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
