package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.ConversationSent;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under simulator load, kill -9 the current primary at a random moment, let the RRC fail over, restart it,
 * and go on for several rounds ({@code -Dchaos.rounds}, default 3; {@code -Dchaos.conversations} per round,
 * default 14). At the end every conversation sent has exactly one interaction, whose best copy is complete
 * wherever a complete copy exists.
 */
class ChaosTest {
  private static final int ROUNDS = Integer.getInteger("chaos.rounds", 3);
  private static final int CONVERSATIONS = Integer.getInteger("chaos.conversations", 14);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 390_001, 390_002, 24_000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void killingThePrimaryAtRandomLosesAndDuplicatesNoConversation() throws Exception {
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    System.out.printf("chaos: seed %d (replay this run's kill times with -Dchaos.seed=%d)%n", seed, seed);
    Random random = new Random(seed);
    List<ConversationSent> sent = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      CompletableFuture<SimulationReport> load = CompletableFuture.supplyAsync(() -> new CallSimulator(
          new SimulationPlan(pair.sipAddresses(), CONVERSATIONS, 4, Duration.ofSeconds(2), "udp", 0)).run());
      RecorderProcess victim = pair.primary();
      long delay = 500 + random.nextInt(2500);
      await().pollDelay(Duration.ofMillis(delay)).atMost(Duration.ofMillis(delay + 1000)).until(() -> true);
      victim.kill9();
      int failovers = round;
      await().atMost(Duration.ofSeconds(30)).until(() -> count(pair.events(), "FAILOVER") == failovers);
      victim.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0)
          .get("healthy").asBoolean());
      sent.addAll(load.get().conversations());
    }
    ConversationTally tally = ConversationTally.awaitEveryConversationOnce(pair, sent);
    System.out.printf("chaos: %d rounds, %d conversations sent, %d lost, %d duplicated, %d with a truncated best "
        + "copy although a complete one exists%n", ROUNDS, tally.sent(), tally.missing(), tally.duplicated(),
        tally.incompleteBest());
    assertThat(tally).isEqualTo(new ConversationTally(sent.size(), 0, 0, 0));
  }

  private static long count(JsonNode events, String type) {
    long count = 0;
    for (JsonNode event : events) {
      count += type.equals(event.get("type").asText()) ? 1 : 0;
    }
    return count;
  }
}
