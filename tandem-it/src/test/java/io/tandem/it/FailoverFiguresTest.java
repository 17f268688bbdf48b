package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failover figures, run by hand with {@code -Dfigures=true}: a Manager process with the default health
 * checks (1 s, 3 misses), a Backup whose buffer holds a 15-minute window of calls the Main never marked
 * ({@code -Dfigures.windowCalls}, default 3000: 200 concurrent calls of about a minute) and
 * {@code -Dfigures.liveCalls} (default 100) calls in progress; kill -9 of the Main; prints detection and
 * promotion times.
 */
@EnabledIfSystemProperty(named = "figures", matches = "true")
class FailoverFiguresTest {
  private static final int WINDOW_CALLS = Integer.getInteger("figures.windowCalls", 3000);
  private static final int LIVE_CALLS = Integer.getInteger("figures.liveCalls", 100);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    // The oldest call starts 13.5 minutes back: the pair has 90 s to start and fail over before the 15-minute
    // window's start passes it, even on a loaded machine.
    ManagerCrashTest.fillBuffer(root.resolve("backup"), 396_002, WINDOW_CALLS, Duration.ofMinutes(13));
    // The window's calls were never marked, as if the Main had died before marking any: a grace period longer
    // than the window keeps the Backup's regular gap audit from reporting them before the failover does.
    pair = new PairFixture(root, 396_001, 396_002, 27_000, true, "1s", Map.of("gap.grace", "30m"));
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void detectionAndPromotionFigures() throws Exception {
    CompletableFuture<SimulationReport> load = CompletableFuture.supplyAsync(() -> new CallSimulator(
        new SimulationPlan(pair.sipAddresses(), LIVE_CALLS, 50, Duration.ofSeconds(20), "udp", 0)).run());
    await().atMost(Duration.ofSeconds(30)).until(() ->
        PairFixture.getJson(pair.main.adminUrl() + "/health").get("activeCalls").asInt() >= LIVE_CALLS * 9 / 10);
    Instant killedAt = Instant.now();
    pair.main.kill9();
    JsonNode event = await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (JsonNode candidate : pair.events()) {
        if ("FAILOVER".equals(candidate.get("type").asText())) {
          return candidate.get("details");
        }
      }
      return null;
    }, found -> found != null);
    Instant detectedAt = Instant.parse(event.get("detectedAt").asText());
    long gaps = 0;
    for (JsonNode candidate : pair.events()) {
      gaps += "GAP".equals(candidate.get("type").asText()) ? 1 : 0;
    }
    System.out.printf("figures: detection %d ms after kill -9 (1 s x 3 misses); window of %d calls promoted and "
        + "marked %d ms after detection (promoted %d, already present %d); %d calls in progress; %d GAP events%n",
        Duration.between(killedAt, detectedAt).toMillis(), WINDOW_CALLS, event.get("durationMs").asLong(),
        event.get("promoted").asLong(), event.get("alreadyPresent").asLong(), LIVE_CALLS, gaps);
    assertThat(event.get("promoted").asLong()).isGreaterThanOrEqualTo(WINDOW_CALLS);
    load.get();
  }
}
