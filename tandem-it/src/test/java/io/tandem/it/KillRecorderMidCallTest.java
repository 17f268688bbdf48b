package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the Main mid-call: its call is kept truncated with its media, its INUMs never go back, and
 * the conversation is still in the call database once, through the Backup's complete copy (the RRC fails
 * the pair over and promotes the Backup's calls).
 */
class KillRecorderMidCallTest {
  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 340001, 340002, 18000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aCallCutOffByKillMinus9IsTruncatedWithItsMediaAndNewCallsRecord() throws Exception {
    CompletableFuture<SimulationReport> longCall = CompletableFuture.supplyAsync(() ->
        new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1, Duration.ofSeconds(8), "udp", 0)).run());
    JsonNode live = await().atMost(Duration.ofSeconds(10)).until(() -> PairFixture.recordingCall(pair.main),
        call -> call != null);
    // Let two seconds of stereo audio reach the disk before the kill (a loaded machine writes later than the
    // call's clock runs); the check below asks for more than one, whatever sealing at rest adds to the file.
    Path wav = pair.main.dataDir.resolve(live.get("mediaPath").asText());
    await().atMost(Duration.ofSeconds(6)).until(() -> Files.exists(wav) && Files.size(wav) > 2 * 8000L * 2 * 2);
    pair.main.kill9();
    pair.main.start();

    JsonNode calls = PairFixture.getJson(pair.main.adminUrl() + "/api/calls");
    assertThat(calls).hasSize(1);
    JsonNode cutOff = calls.get(0);
    assertThat(cutOff.get("state").asText()).isEqualTo("TRUNCATED");
    assertThat(cutOff.get("media").get("bytes").asLong()).as("media written before the kill")
        .isGreaterThan(8000L * 2 * 2); // more than one second of stereo audio

    SimulationReport interrupted = longCall.get();
    assertThat(interrupted.callsPerRecorder().get(pair.backup.sipAddress())).isEqualTo(1);

    SimulationReport after = new CallSimulator(new SimulationPlan(pair.sipAddresses(), 2, 4, Duration.ofSeconds(2),
        "udp", 0)).run();
    assertThat(after.failures()).isZero();
    List<Long> inums = new ArrayList<>();
    for (JsonNode call : PairFixture.getJson(pair.main.adminUrl() + "/api/calls")) {
      inums.add(call.get("inum").asLong());
    }
    assertThat(inums).hasSize(3);
    long truncatedInum = cutOff.get("inum").asLong();
    assertThat(inums.stream().filter(i -> i != truncatedInum)).allMatch(i -> i > truncatedInum);

    await().atMost(Duration.ofSeconds(30)).until(() ->
        PairFixture.getJson(pair.managerUrl() + "/api/interactions").size() == 3);
    JsonNode cutOffInteraction = findByKey(cutOff.get("correlationKey").asText());
    String best = cutOffInteraction.get("bestInum").asText();
    assertThat(best).as("the Backup's complete copy is the best one").startsWith("340002");
    for (JsonNode copy : cutOffInteraction.get("copies")) {
      if (copy.get("inum").asText().equals(best)) {
        assertThat(copy.get("complete").asBoolean()).isTrue();
      }
    }
  }

  private static JsonNode findByKey(String correlationKey) throws Exception {
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions")) {
      if (interaction.get("correlationKey").asText().equals(correlationKey)) {
        return interaction;
      }
    }
    throw new AssertionError("no interaction for conversation " + correlationKey);
  }
}
