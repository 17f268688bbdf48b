package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.ConversationSent;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's concurrency figure, run by hand with {@code -Dfigures=true}: the most concurrent
 * two-stream calls one recorder (the Main of a real pair, the Backup idle) keeps with no failed call and
 * no RTP packet missing from its recordings. Steps up through {@code -Dfigures.steps} (default
 * 250,500,750,1000,1500,2000), each step twice as many calls of {@code -Dfigures.seconds} (default 10),
 * started at the rate that holds that many at once; stops after two steps in a row with a failure or a
 * loss. Baseline in the same run: raw UDP receive on loopback.
 */
@EnabledIfSystemProperty(named = "figures", matches = "true")
class MaxConcurrentFiguresTest {
  private static final int[] STEPS = Arrays.stream(System.getProperty("figures.steps",
      "250,500,750,1000,1500,2000").split(",")).mapToInt(step -> Integer.parseInt(step.strip())).toArray();
  private static final int SECONDS = Integer.getInteger("figures.seconds", 10);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    // 7,500 two-stream calls a recorder, below the ephemeral ports; the Main's limit of calls in progress (1,000 by
    // default) raised past the widest step, since capacity is what this measures.
    pair = new PairFixture(root, 382_001, 382_002, 1100, 15_000, Map.of("sip.maxCalls", "100000"));
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void mostConcurrentCallsOneRecorderKeepsWithoutLoss() throws Exception {
    int widest = Arrays.stream(STEPS).max().orElseThrow();
    double raw = RawUdpReceive.packetsPerSecond(2 * widest, 300_000, 3);
    System.out.printf("figures: baseline raw UDP receive, one thread, selector over %d sockets: %.0f packets/s"
        + " (%.0f two-stream calls of 50 packets/s a stream); load average %s%n", 2 * widest, raw, raw / 100,
        SippLoadFiguresTest.loadAverage());
    int best = 0;
    int failedInARow = 0;
    for (int step : STEPS) {
      double cps = step / (SECONDS + 0.5);
      SimulationPlan plan = new SimulationPlan(List.of(pair.sipAddresses().get(0)), 2 * step, cps,
          Duration.ofSeconds(SECONDS), "udp", 0);
      double cpuBefore = SippLoadRun.cpuSeconds(pair.main.pid());
      long start = System.nanoTime();
      SimulationReport report = new CallSimulator(plan).run();
      double seconds = (System.nanoTime() - start) / 1e9;
      double recorderCpu = SippLoadRun.cpuSeconds(pair.main.pid()) - cpuBefore;
      await().atMost(Duration.ofSeconds(30)).until(() ->
          PairFixture.getJson(pair.main.adminUrl() + "/health").get("activeCalls").asInt() == 0);
      Map<String, double[]> tones = new HashMap<>();
      for (ConversationSent sent : report.conversations()) {
        tones.put(sent.sessionId(), new double[] {sent.frequency1(), sent.frequency2()});
      }
      RecordedCalls recorded = RecordedCalls.of(pair.main, tones, plan.packetsPerStream(), root.resolve("wav"));
      long expected = 2L * plan.packetsPerStream() * report.conversationsSent();
      boolean clean = report.failures() == 0 && recorded.calls() == 2 * step && recorded.complete() == 2 * step
          && report.packetsSent() == expected && recorded.packetsMissing() == 0 && recorded.packetsInWavs() == expected
          && recorded.channelsOffTone() == 0;
      System.out.printf("figures: step %d concurrent (%.1f calls/s, %d calls): %s; simulator failures %d, packets sent"
          + " %d of %d; recorder: %d calls, %d complete, %d received, %d missing by its statistics, %d in the WAVs,"
          + " %d channels off tone; %.1f s, recorder CPU %.1f s; load average %s%n", step, cps, 2 * step,
          clean ? "no failure, no loss" : "FAILED OR LOST", report.failures(), report.packetsSent(), expected,
          recorded.calls(), recorded.complete(), recorded.packetsReceived(), recorded.packetsMissing(),
          recorded.packetsInWavs(), recorded.channelsOffTone(), seconds, recorderCpu,
          SippLoadFiguresTest.loadAverage());
      if (clean) {
        best = step;
        failedInARow = 0;
      } else if (++failedInARow == 2) {
        break;
      }
    }
    System.out.printf("figures: most concurrent simulator calls one recorder keeps with no loss: %d two-stream calls,"
        + " %d packets/s, %.3f of the raw receive baseline (%.0f packets/s)%n", best, best * 100, best * 100 / raw, raw);
    assertThat(best).as("some step passed").isPositive();
  }
}
