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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conversation that outlives a failover and the failback after it: kill -9 of the Main mid-call, the Backup
 * promoted with a rollback window that starts after the conversation did (so the catch-up passes the conversation,
 * still recording, to the promotion, which leaves it to be submitted when it ends), the Main started again
 * and the pair failed back by hand while the conversation goes on. The conversation then ends on the Backup as
 * secondary, which does not submit it, behind its gap audit's cursor. Its complete copy must still be audited
 * and linked, and be the best copy over the Main's copy that the kill cut off.
 */
class FailbackMidCallTest {
  private static final int MAIN = 474_001;
  private static final int BACKUP = 474_002;
  private static final Duration CONVERSATION = Duration.ofSeconds(50);

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
  void aConversationThatEndsOnTheBackupAfterAFailbackIsLinkedAndItsCompleteCopyIsBest() throws Exception {
    int rtpBase = 54_000 + 400 * ThreadLocalRandom.current().nextInt(10);
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase).rtpPorts(200).withoutArchiving()
        .recorderSettings(Map.of("gap.grace", "2s")).start();
    // A window of 1 s: the conversation started before it, so the Backup's catch-up at failover passes it while it
    // is still recording, and the promotion leaves it to be submitted when it ends, which is then on a secondary.
    pair.database.updatePairPolicy("pair-" + MAIN, 1, "manual", null, null);
    CompletableFuture<SimulationReport> conversation = CompletableFuture.supplyAsync(() -> new CallSimulator(
        new SimulationPlan(pair.sipAddresses(), 1, 1, CONVERSATION, "udp", 0)).run());
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> activeCalls(pair.main) == 1 && activeCalls(pair.backup) == 1);

    pair.main.kill9();
    await().atMost(Duration.ofSeconds(30)).until(() -> count("FAILOVER") == 1);
    pair.main.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> "SECONDARY".equals(role(pair.main))
        && PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0).get("healthy").asBoolean());
    HttpResponse<String> failback = PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(pair.managerUrl()
        + "/api/pairs/pair-" + MAIN + "/failback")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(failback.statusCode()).as(failback.body()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> "SECONDARY".equals(role(pair.backup)));
    assertThat(activeCalls(pair.backup)).as("the premise: the conversation still goes on after the failback, on "
        + "the Backup, which is secondary again").isEqualTo(1);

    SimulationReport report = conversation.get(CONVERSATION.toSeconds() + 60, TimeUnit.SECONDS);
    assertThat(report.callsPerRecorder().get(pair.backup.sipAddress())).as("the conversation, whole on the Backup")
        .isEqualTo(1);

    JsonNode interaction = await().atMost(Duration.ofSeconds(60)).until(pair::onlyInteraction,
        found -> found != null && found.get("copies").size() == 2);
    List<String> serials = new ArrayList<>();
    interaction.get("copies").forEach(copy -> serials.add(copy.get("serial").asText()));
    assertThat(serials).as("copies of the conversation").containsExactlyInAnyOrder(Integer.toString(MAIN),
        Integer.toString(BACKUP));
    JsonNode best = null;
    for (JsonNode copy : interaction.get("copies")) {
      if (copy.get("inum").asText().equals(interaction.get("bestInum").asText())) {
        best = copy;
      }
    }
    assertThat(best).as("the best copy among the copies of %s", interaction).isNotNull();
    assertThat(best.get("serial").asText()).as("the recorder of the best copy of %s", interaction)
        .isEqualTo(Integer.toString(BACKUP));
    assertThat(best.get("complete").asBoolean()).as("the best copy is complete").isTrue();
    for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode workflow = PairFixture.getJson(recorder.adminUrl() + "/api/status").get("workflow");
        assertThat(List.of(workflow.path("PENDING").asLong(), workflow.path("ARCHIVING").asLong(),
            workflow.path("FAILED").asLong())).as("PENDING, ARCHIVING, FAILED in the Workflow of %d: %s",
            recorder.serial, workflow).containsOnly(0L);
      });
    }
  }

  private long count(String type) throws Exception {
    long count = 0;
    for (JsonNode event : pair.events()) {
      count += type.equals(event.get("type").asText()) ? 1 : 0;
    }
    return count;
  }

  private static int activeCalls(RecorderProcess recorder) throws Exception {
    return PairFixture.getJson(recorder.adminUrl() + "/api/status").get("activeCalls").asInt();
  }

  private static String role(RecorderProcess recorder) {
    try {
      return PairFixture.getJson(recorder.adminUrl() + "/api/status").get("role").asText();
    } catch (Exception e) {
      return null;
    }
  }
}
