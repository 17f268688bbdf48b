package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * A copy none of whose media reached the disk before a kill -9 (here its media file is removed while the call
 * records, so that the restarted recorder finds none) is still linked to its interaction: truncated, with the quirk
 * no-media, never the best copy once the other recorder's copy is linked, and replay serves that other copy.
 */
class EmptyCopyEndToEndTest {
  private static final int MAIN = 472_001;
  private static final int BACKUP = 472_002;

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
  void aCopyCutOffBeforeAnyMediaReachedTheDiskIsLinkedButNeverBestAndReplayServesTheOther() throws Exception {
    int rtpBase = 51_000 + 400 * ThreadLocalRandom.current().nextInt(10);
    // A long health interval keeps the Main primary through its restart: it marks its own empty copy first, and
    // the Backup, secondary, links its whole one after a short grace period.
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase).rtpPorts(200).healthInterval("30s")
        .recorderSettings(Map.of("gap.grace", "2s")).withoutArchiving().start();
    CompletableFuture<SimulationReport> conversation = CompletableFuture.supplyAsync(() -> new CallSimulator(
        new SimulationPlan(pair.sipAddresses(), 1, 1, Duration.ofSeconds(6), "udp", 0)).run());
    JsonNode live = await().atMost(Duration.ofSeconds(20)).until(() -> PairFixture.recordingCall(pair.main), call -> call != null);
    Path wav = pair.main.dataDir.resolve(live.get("mediaPath").asText());
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(wav) && Files.size(wav) > 44);

    Files.delete(wav);
    pair.main.kill9();
    pair.main.start();

    SimulationReport report = conversation.get(60, TimeUnit.SECONDS);
    assertThat(report.callsPerRecorder().get(pair.backup.sipAddress())).as("calls the Backup took").isEqualTo(1);
    String mainInum = live.get("inum").asText();
    JsonNode cutOff = PairFixture.getJson(pair.main.adminUrl() + "/api/calls/" + mainInum);
    assertThat(cutOff.get("state").asText()).isEqualTo("TRUNCATED");
    assertThat(cutOff.get("media").get("bytes").asLong()).as("media bytes the restarted Main found").isZero();

    JsonNode interaction = await().atMost(Duration.ofSeconds(60)).until(pair::onlyInteraction,
        found -> found != null && found.get("copies").size() == 2 && !found.get("bestInum").asText().equals(mainInum));
    JsonNode empty = copy(interaction, mainInum);
    assertThat(empty.get("complete").asBoolean()).as("the empty copy is complete").isFalse();
    assertThat(empty.get("quirks")).extracting(JsonNode::asText).contains("no-media");
    String best = interaction.get("bestInum").asText();
    assertThat(best).as("best copy").startsWith(Integer.toString(BACKUP));
    assertThat(copy(interaction, best).get("complete").asBoolean()).isTrue();
    JsonNode workflow = PairFixture.getJson(pair.main.adminUrl() + "/api/status").get("workflow");
    assertThat(workflow.path("FAILED").asLong()).as("failed entries in the Main's Workflow %s", workflow).isZero();

    HttpResponse<byte[]> replay = PairFixture.getBytes(pair.managerUrl() + "/api/interactions/"
        + interaction.get("id").asText() + "/media", null);
    assertThat(replay.statusCode()).as("replay").isEqualTo(200);
    assertThat(replay.headers().firstValue("X-Tandem-Inum")).as("copy replayed").contains(best);
    assertThat(replay.body().length).as("bytes replayed, a WAV with audio").isGreaterThan(8000);
    HttpResponse<byte[]> emptyOnly = PairFixture.getBytes(pair.managerUrl() + "/api/interactions/"
        + interaction.get("id").asText() + "/copies/" + mainInum + "/media", null);
    assertThat(emptyOnly.statusCode()).as("the empty copy asked for by its INUM").isNotEqualTo(200);

    ConversationTally tally = ConversationTally.awaitEveryCopyLinked(pair, report.conversations(),
        Duration.ofSeconds(30));
    assertThat(tally.incompleteBest()).as("incomplete best in %s", tally).isZero();
  }

  private static JsonNode copy(JsonNode interaction, String inum) {
    List<JsonNode> found = new ArrayList<>();
    interaction.get("copies").forEach(copy -> {
      if (copy.get("inum").asText().equals(inum)) {
        found.add(copy);
      }
    });
    assertThat(found).as("copies %s in %s", inum, interaction).hasSize(1);
    return found.get(0);
  }
}
