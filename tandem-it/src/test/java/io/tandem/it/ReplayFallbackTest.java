package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Inum;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay always finds a copy: with archiving off, a conversation recorded by both recorders still plays through the
 * Recorder Manager after kill -9 of the recorder that holds its best copy, from the other recorder's copy, and the
 * answer names the copy it carries.
 */
class ReplayFallbackTest {
  private static final int MAIN = 460_001;
  private static final int BACKUP = 460_002;

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
  void afterKillMinus9OfTheBestCopysRecorderReplayServesTheOtherCopyExactly() throws Exception {
    int rtpBase = 47_000 + 400 * ThreadLocalRandom.current().nextInt(10);
    // A short grace period, so that the secondary links its copy within the test; no archive, so each copy lives
    // only in its recorder's call buffer.
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase).rtpPorts(200)
        .recorderSettings(Map.of("gap.grace", "2s")).withoutArchiving().start();
    SimulationReport report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1,
        Duration.ofSeconds(3), "udp", 0)).run();
    assertThat(report.failures()).as("simulated conversations that failed").isZero();

    JsonNode interaction = await().atMost(Duration.ofSeconds(40)).until(this::onlyInteraction,
        found -> found != null && found.get("copies").size() == 2);
    String id = interaction.get("id").asText();
    String best = interaction.get("bestInum").asText();
    String other = otherCopy(interaction, best);
    String media = pair.managerUrl() + "/api/interactions/" + id + "/media";

    HttpResponse<byte[]> fromBest = PairFixture.getBytes(media, null);
    assertThat(fromBest.statusCode()).as("replay while both recorders run").isEqualTo(200);
    assertThat(fromBest.headers().firstValue("X-Tandem-Inum")).as("copy served while both run").contains(best);
    byte[] otherWhole = PairFixture.getBytes(copyMedia(id, other), null).body();
    assertThat(otherWhole.length).as("bytes of the other copy, a WAV with audio").isGreaterThan(8000);

    RecorderProcess holder = Inum.parse(best).serial() == MAIN ? pair.main : pair.backup;
    holder.kill9();

    HttpResponse<byte[]> fallback = PairFixture.getBytes(media, null);
    assertThat(fallback.statusCode()).as("replay after kill -9 of recorder %d", holder.serial).isEqualTo(200);
    assertThat(fallback.headers().firstValue("X-Tandem-Inum")).as("copy served after the kill").contains(other);
    assertThat(fallback.body()).as("the other copy's bytes, whole").isEqualTo(otherWhole);

    HttpResponse<byte[]> part = PairFixture.getBytes(media, "bytes=100-1099");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).contains("bytes 100-1099/" + otherWhole.length);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(otherWhole, 100, 1100));

    HttpResponse<byte[]> bestOnly = PairFixture.getBytes(copyMedia(id, best), null);
    assertThat(bestOnly.statusCode()).as("the killed recorder's copy asked for by its INUM").isEqualTo(502);
    assertThat(new String(bestOnly.body())).contains(best, "cannot be reached");
  }

  private JsonNode onlyInteraction() throws Exception {
    JsonNode interactions = PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=10");
    assertThat(interactions.size()).as("interactions of one conversation").isLessThanOrEqualTo(1);
    return interactions.isEmpty() ? null : PairFixture.getJson(pair.managerUrl() + "/api/interactions/"
        + interactions.get(0).get("id").asText());
  }

  private static String otherCopy(JsonNode interaction, String best) {
    List<String> others = new java.util.ArrayList<>();
    interaction.get("copies").forEach(copy -> {
      if (!copy.get("inum").asText().equals(best)) {
        others.add(copy.get("inum").asText());
      }
    });
    assertThat(others).as("copies other than the best").hasSize(1);
    return others.get(0);
  }

  private String copyMedia(String id, String inum) {
    return pair.managerUrl() + "/api/interactions/" + id + "/copies/" + inum + "/media";
  }
}
