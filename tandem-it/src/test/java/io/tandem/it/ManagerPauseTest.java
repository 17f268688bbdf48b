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
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Recorder Managers as OS processes on one call database and one pair: the acting one is frozen (SIGSTOP) past
 * its lease, the other takes over, the frozen one is resumed with what it knew before the pause, and then a Main is
 * killed: the pair is failed over exactly once, by the Manager that holds the lease, and the resumed one stands by.
 */
class ManagerPauseTest {
  private static final int MAIN = 397_001;
  private static final int BACKUP = 397_002;

  @TempDir
  static Path root;
  private static PairFixture pair;
  private static ManagerProcess second;

  @BeforeAll
  static void startPairAndTwoManagers() throws Exception {
    pair = new PairFixture(root, MAIN, BACKUP, 20_000 + 400 * ThreadLocalRandom.current().nextInt(20), true,
        "500ms");
    second = new ManagerProcess(root.resolve("manager-2"), pair.postgres.jdbcUrl(), "500ms", 3).start();
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (second != null) {
      second.close();
    }
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aManagerResumedAfterAnotherTookItsLeaseFailsNothingOverAndTheOtherFailsAMainOverOnce() throws Exception {
    ManagerProcess first = pair.managerProcess;
    await().atMost(Duration.ofSeconds(60)).until(() -> "acting".equals(rrc(first.url()))
        && "standby".equals(rrc(second.url())));

    first.pause();
    try {
      await().atMost(Duration.ofSeconds(15)).until(() -> "acting".equals(rrc(second.url())));
    } finally {
      first.resume();
    }
    await().atMost(Duration.ofSeconds(15)).alias("the resumed Manager stands by and names the one that took over")
        .until(() -> "standby".equals(rrc(first.url())) && second.url().equals(leader(first.url())));

    pair.main.kill9();
    await().atMost(Duration.ofSeconds(30)).until(() -> pair.database.openFailovers().isEmpty()
        && pair.database.pairs().getFirst().epoch() == 2);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> pair.database.pairs().getFirst().epoch() == 2);
    List<FailoverView> failovers = pair.database.failovers();
    assertThat(failovers).singleElement().satisfies(failover -> {
      assertThat(failover.fromSerial()).isEqualTo(Integer.toString(MAIN));
      assertThat(failover.state()).isEqualTo("DONE");
    });
    long failoverEvents = 0;
    long downEvents = 0;
    for (JsonNode event : PairFixture.getJson(second.url() + "/api/events")) {
      failoverEvents += "FAILOVER".equals(event.get("type").asText()) ? 1 : 0;
      downEvents += "RECORDER_DOWN".equals(event.get("type").asText()) ? 1 : 0;
    }
    assertThat(failoverEvents).isEqualTo(1);
    assertThat(downEvents).as("the Main's death told once").isEqualTo(1);
    assertThat(pair.database.auditRows(1000)).filteredOn(row -> row.action().equals("failover")).hasSize(1);
    assertThat(first.log()).as("the resumed Manager stood by").contains("this Recorder Manager stands by");
    assertThat(first.log()).doesNotContain("failing over to");
    assertThat("acting".equals(rrc(second.url()))).isTrue();
  }

  /** "acting" or "standby" as the Manager's {@code /ready} says; null while it is not ready or answers nothing. */
  private static String rrc(String managerUrl) {
    try {
      JsonNode ready = ready(managerUrl);
      return ready == null ? null : ready.get("rrc").asText();
    } catch (Exception e) {
      return null;
    }
  }

  private static String leader(String managerUrl) throws Exception {
    JsonNode ready = ready(managerUrl);
    return ready == null ? null : ready.get("rrcLeader").asText();
  }

  private static JsonNode ready(String managerUrl) throws Exception {
    HttpResponse<String> response = PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(managerUrl + "/ready"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? io.tandem.json.Json.MAPPER.readTree(response.body()) : null;
  }
}
