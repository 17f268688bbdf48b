package io.tandem.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.ConversationSent;
import io.tandem.simulator.SessionIds;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Rounds of chaos on a real pair: under simulator load, kill -9 the current primary at a random moment, let
 * the RRC fail over, restart the killed recorder and wait until the pair is healthy again. The seed is printed
 * so that a failing run can be replayed ({@code -Dchaos.seed}).
 */
final class ChaosRounds {
  private ChaosRounds() {}

  /** Runs the rounds and returns every conversation sent, in order. */
  static List<ConversationSent> run(PairFixture pair, int rounds, int conversationsPerRound, SessionIds naming)
      throws Exception {
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    System.out.printf("chaos: seed %d (replay with -Dchaos.seed=%d), session ids %s%n", seed, seed, naming.option());
    Random random = new Random(seed);
    List<ConversationSent> sent = new ArrayList<>();
    int failoversBefore = count(pair.events(), "FAILOVER");
    for (int round = 1; round <= rounds; round++) {
      CompletableFuture<SimulationReport> load = CompletableFuture.supplyAsync(() -> new CallSimulator(
          new SimulationPlan(pair.sipAddresses(), conversationsPerRound, 4, Duration.ofSeconds(2), "udp", 0, naming))
          .run());
      RecorderProcess victim = pair.primary();
      long delay = 500 + random.nextInt(2500);
      await().pollDelay(Duration.ofMillis(delay)).atMost(Duration.ofMillis(delay + 1000)).until(() -> true);
      victim.kill9();
      int failovers = failoversBefore + round;
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> count(pair.events(), "FAILOVER") == failovers);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        System.out.printf("chaos: no failover 30 s after kill -9 of %d; the Manager's threads:%n%s%n", victim.serial,
            pair.managerThreads());
        throw e;
      }
      victim.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0)
          .get("healthy").asBoolean());
      sent.addAll(load.get().conversations());
    }
    return sent;
  }

  private static int count(JsonNode events, String type) {
    int count = 0;
    for (JsonNode event : events) {
      count += type.equals(event.get("type").asText()) ? 1 : 0;
    }
    return count;
  }
}
