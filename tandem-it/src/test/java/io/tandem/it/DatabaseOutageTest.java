package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The call database stops under load and comes back: recording never stops, no call is lost, Workflow drains. */
class DatabaseOutageTest {
  private static final int CONVERSATIONS = 20;

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 350001, 350002, 22000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void noCallIsLostWhileTheCallDatabaseIsDown() throws Exception {
    CompletableFuture<SimulationReport> load = CompletableFuture.supplyAsync(() -> new CallSimulator(
        new SimulationPlan(pair.sipAddresses(), CONVERSATIONS, 4, Duration.ofSeconds(2), "udp", 0)).run());
    await().atMost(Duration.ofSeconds(20)).until(() ->
        PairFixture.getJson(pair.main.adminUrl() + "/api/status").get("buffer").get("calls").asInt() >= 3);
    pair.stopPostgres();
    // Calls go on ending while the database is down: they wait in the Workflow.
    await().atMost(Duration.ofSeconds(20)).until(() ->
        PairFixture.getJson(pair.main.adminUrl() + "/api/status").get("workflow").path("PENDING").asLong() >= 3);
    assertThat(pair.main.healthy()).isTrue();
    pair.startPostgres();

    SimulationReport report = load.get();
    assertThat(report.failures()).isZero();
    await().atMost(Duration.ofSeconds(90)).until(() ->
        PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=1000").size() == CONVERSATIONS);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode workflow = PairFixture.getJson(pair.main.adminUrl() + "/api/status").get("workflow");
      return workflow.path("PENDING").asLong() == 0 && workflow.path("ARCHIVING").asLong() == 0
          && workflow.path("DONE").asLong() == CONVERSATIONS;
    });
  }
}
