package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.database.FailoverView;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Recorder Managers as OS processes on one call database and one pair: one acts, the other stands by and says
 * who leads, and delivers no notification; kill -9 of the acting one, the standby takes over, delivers from then
 * on, and a Main killed right after is failed over exactly once.
 */
class ManagerTakeoverTest {
  private static final int MAIN = 396_001;
  private static final int BACKUP = 396_002;

  @TempDir
  static Path root;
  private static final String SECRET = "the secret the webhook and both Managers share";
  private static WebhookReceiver webhook;
  private static PairFixture pair;
  private static ManagerProcess second;

  @BeforeAll
  static void startPairAndTwoManagers() throws Exception {
    webhook = new WebhookReceiver(SECRET).start();
    Map<String, String> notify = Map.of("notify.webhook.ops.url", webhook.url(), "notify.webhook.ops.secret", SECRET,
        "notify.retryMax", "2s");
    pair = new PairFixture(root, MAIN, BACKUP, 27_000, true, "500ms", Map.of(), notify);
    second = new ManagerProcess(root.resolve("manager-2"), pair.postgres.jdbcUrl(), "500ms", 3, notify).start();
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (second != null) {
      second.close();
    }
    if (pair != null) {
      pair.close();
    }
    if (webhook != null) {
      webhook.close();
    }
  }

  @Test
  void theStandbyTakesOverFromAKilledManagerAndFailsAMainKilledAfterOverOnce() throws Exception {
    String first = pair.managerProcess.url();
    await().atMost(Duration.ofSeconds(60)).until(() -> "acting".equals(rrc(first)) && "standby".equals(rrc(second.url())));
    assertThat(ready(second.url()).get("rrcLeader").asText()).as("the standby names the leader").isEqualTo(first);
    assertThat(PairFixture.getJson(second.url() + "/api/pairs").get(0).get("rrcLeader").asText()).isEqualTo(first);
    assertThat(PairFixture.getJson(second.url() + "/api/pairs").get(0).get("recorders")).as("a standby serves reads")
        .hasSize(2);
    HttpResponse<String> failback = PairFixture.HTTP.send(HttpRequest.newBuilder(
        URI.create(second.url() + "/api/pairs/pair-" + MAIN + "/failback")).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(failback.statusCode()).as("a standby does not act: %s", failback.body()).isEqualTo(503);
    assertThat(pair.database.pairs().getFirst().epoch()).isEqualTo(1);
    assertThat(metrics(first)).contains("tandem_rrc_acting 1.0");
    assertThat(metrics(second.url())).contains("tandem_rrc_acting 0.0");
    // Both Managers have the webhook; only the acting one delivers: each event once, the first heartbeat included.
    await().atMost(Duration.ofSeconds(30)).until(() -> delivered("HEARTBEAT") >= 1);
    long lastBefore = pair.database.lastEventId();
    await().atMost(Duration.ofSeconds(30)).until(() -> webhook.accepted().stream()
        .anyMatch(event -> event.get("id").asLong() >= lastBefore));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).alias("no event delivered twice while one "
        + "Manager acts").until(() -> webhook.accepted().stream().map(event -> event.get("id").asLong()).distinct()
        .count() == webhook.accepted().size());
    // A target added through the standby's API is delivered to by the acting Manager.
    try (WebhookReceiver late = new WebhookReceiver(SECRET).start()) {
      HttpResponse<String> added = PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(second.url()
          + "/api/notification-targets")).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"late\",\"kind\":"
          + "\"webhook\",\"url\":\"" + late.url() + "\",\"secret\":\"" + SECRET + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
      long appended = pair.database.appendEvent("RECORDER_UP", null, Map.of("serial", "396009"));
      await().atMost(Duration.ofSeconds(30)).until(() -> late.accepted().stream()
          .anyMatch(event -> event.get("id").asLong() == appended));
    }

    long killedAt = System.nanoTime();
    pair.managerProcess.kill9();
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
        .until(() -> "acting".equals(rrc(second.url())));
    long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.printf("takeover: the standby Manager acts %d ms after kill -9 of the acting one (lease 3 s)%n",
        takeoverMillis);
    assertThat(takeoverMillis).as("within the lease and a few steps").isLessThan(10_000);
    assertThat(ready(second.url()).get("rrcLeader").asText()).isEqualTo(second.url());

    pair.main.kill9();
    await().atMost(Duration.ofSeconds(30)).until(() -> pair.database.openFailovers().isEmpty()
        && pair.database.pairs().getFirst().epoch() == 2);
    // The failover is done: nothing more comes, however long one waits.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> pair.database.pairs().getFirst().epoch() == 2);
    List<FailoverView> failovers = pair.database.failovers();
    assertThat(failovers).singleElement().satisfies(failover -> {
      assertThat(failover.kind()).isEqualTo("FAILOVER");
      assertThat(failover.fromSerial()).isEqualTo(Integer.toString(MAIN));
      assertThat(failover.state()).isEqualTo("DONE");
    });
    long failoverEvents = 0;
    for (JsonNode event : PairFixture.getJson(second.url() + "/api/events")) {
      failoverEvents += "FAILOVER".equals(event.get("type").asText()) ? 1 : 0;
    }
    assertThat(failoverEvents).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).alias("the Manager that took over delivers").until(() -> delivered("FAILOVER") == 1);
    JsonNode recorders = PairFixture.getJson(second.url() + "/api/pairs").get(0).get("recorders");
    for (JsonNode recorder : recorders) {
      assertThat(recorder.get("role").asText()).isEqualTo(recorder.get("serial").asInt() == BACKUP ? "PRIMARY"
          : "SECONDARY");
    }
  }

  private static long delivered(String type) {
    return webhook.accepted().stream().filter(event -> type.equals(event.get("type").asText())).count();
  }

  private static String metrics(String managerUrl) throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(managerUrl + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** "acting" or "standby" as the Manager's {@code /ready} says; null while it is not ready. */
  private static String rrc(String managerUrl) {
    try {
      JsonNode ready = ready(managerUrl);
      return ready == null ? null : ready.get("rrc").asText();
    } catch (Exception e) {
      return null;
    }
  }

  private static JsonNode ready(String managerUrl) throws Exception {
    HttpResponse<String> response = PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(managerUrl + "/ready"))
        .build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? io.tandem.json.Json.MAPPER.readTree(response.body()) : null;
  }
}
