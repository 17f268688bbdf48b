package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Main killed -9 mid-calls and started again after the failover, once the Backup has marked every conversation,
 * comes back as secondary with the calls the kill cut off waiting in its Workflow from its time as primary. Its gap audit links them as truncated copies of their
 * interactions after the grace period, never best over the Backup's whole copies, and settles their entries, so that
 * none is left PENDING and retention, which rolls off only what is linked and settled, rolls them off.
 */
class FormerPrimaryReturnsTest {
  private static final int MAIN = 473_001;
  private static final int BACKUP = 473_002;
  private static final int CONVERSATIONS = 8;

  @TempDir
  Path root;

  private PairFixture pair;

  @AfterEach
  void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aFormerPrimaryBackAsSecondaryLinksItsCutOffCallsAndLeavesNonePendingForGood() throws Exception {
    int rtpBase = 53_000 + 400 * ThreadLocalRandom.current().nextInt(10);
    // A retention of 60 s on the Main only: its calls go once they are linked and settled, well after the checks
    // below have read them; the Backup keeps its own.
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase).rtpPorts(200)
        .recorderSettings(Map.of("gap.grace", "3s")).mainSettings(Map.of("buffer.retention", "60s")).start();
    CompletableFuture<SimulationReport> conversations = CompletableFuture.supplyAsync(() -> new CallSimulator(
        new SimulationPlan(pair.sipAddresses(), CONVERSATIONS, 4, Duration.ofSeconds(6), "udp", 0)).run());
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> status(pair.main).get("activeCalls").asInt() == CONVERSATIONS);

    pair.main.kill9();
    await().atMost(Duration.ofSeconds(30)).until(this::failedOver);
    SimulationReport report = conversations.get(60, TimeUnit.SECONDS);
    assertThat(report.callsPerRecorder().get(pair.backup.sipAddress())).isEqualTo(CONVERSATIONS);
    // The Backup, primary now, has marked every conversation before the Main is back: the Main's audit then finds
    // an interaction for each of its calls, and no gap to promote.
    await().atMost(Duration.ofSeconds(30)).until(() -> PairFixture.getJson(pair.managerUrl()
        + "/api/interactions?limit=100").size() == CONVERSATIONS);
    pair.main.start();

    Set<String> cutOff = new HashSet<>();
    for (JsonNode call : PairFixture.getJson(pair.main.adminUrl() + "/api/calls")) {
      assertThat(call.get("state").asText()).as("call %s of the Main", call.get("inum")).isEqualTo("TRUNCATED");
      cutOff.add(call.get("inum").asText());
    }
    assertThat(cutOff).as("calls the kill cut off").hasSize(CONVERSATIONS);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "SECONDARY".equals(status(pair.main).get("role").asText()));

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonNode workflow = status(pair.main).get("workflow");
      assertThat(List.of(workflow.path("PENDING").asLong(), workflow.path("ARCHIVING").asLong(),
          workflow.path("FAILED").asLong())).as("PENDING, ARCHIVING, FAILED in the Main's Workflow %s", workflow)
          .containsOnly(0L);
      assertThat(linkedCopies()).as("the Main's copies linked").containsAll(cutOff);
    });
    ConversationTally tally = ConversationTally.awaitEveryCopyLinked(pair, report.conversations(),
        Duration.ofSeconds(30));
    assertThat(List.of(tally.misjoined(), tally.incompleteBest())).as("misjoined, incomplete best in %s", tally)
        .containsOnly(0);
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100")) {
      assertThat(interaction.get("bestInum").asText()).as("best copy of %s", interaction.get("correlationKey"))
          .startsWith(Integer.toString(BACKUP));
    }

    await().atMost(Duration.ofSeconds(120)).until(() -> status(pair.main).get("buffer").get("calls").asLong() == 0);
    assertThat(linkedCopies()).as("copies in the call database after retention").containsAll(cutOff);
  }

  private static JsonNode status(RecorderProcess recorder) throws Exception {
    return PairFixture.getJson(recorder.adminUrl() + "/api/status");
  }

  private boolean failedOver() throws Exception {
    for (JsonNode event : pair.events()) {
      if ("FAILOVER".equals(event.get("type").asText())) {
        return true;
      }
    }
    return false;
  }

  private Set<String> linkedCopies() throws Exception {
    Set<String> linked = new HashSet<>();
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100")) {
      interaction.get("copies").forEach(copy -> linked.add(copy.get("inum").asText()));
    }
    return linked;
  }
}
