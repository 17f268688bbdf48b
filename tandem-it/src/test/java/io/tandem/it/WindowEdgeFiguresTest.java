package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.simulator.SimulationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window's edge figures, run by hand with {@code -Dfigures=true}: a Recorder Manager with the default health
 * checks (1 s, 3 misses), a 20 s rollback window, and {@code -Dfigures.edgeRounds} rounds (default 5) of
 * {@code -Dfigures.edgeCalls} conversations (default 20) of 36 s that start within a second, the primary frozen
 * with SIGSTOP 2 s before the first ends and killed with kill -9 once declared failed, the killed recorder then
 * started again as the next round's secondary. Prints, per round and as medians over the rounds, how many of
 * the conversations were marked with the new primary's complete copy as best, and when the last was marked
 * after detection, against detection's own time after the freeze.
 */
@EnabledIfSystemProperty(named = "figures", matches = "true")
class WindowEdgeFiguresTest {
  private static final int ROUNDS = Integer.getInteger("figures.edgeRounds", 5);
  private static final int CONVERSATIONS = Integer.getInteger("figures.edgeCalls", 20);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 399_001, 399_002, 16_000, false, "1s");
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void conversationsStraddlingTheWindowsEdgeArePromotedSoonAfterDetection() throws Exception {
    WindowEdgeRound.setRollbackWindow(pair, "pair-399001", 20);
    List<Long> detectionMillis = new ArrayList<>();
    List<Long> markedMillis = new ArrayList<>();
    List<Integer> promoted = new ArrayList<>();
    List<CompletableFuture<SimulationReport>> loads = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      RecorderProcess victim = pair.primary();
      WindowEdgeRound.Result result = WindowEdgeRound.run(pair, CONVERSATIONS, round);
      loads.add(result.load());
      long detection = Duration.between(result.frozenAt(), result.detectedAt()).toMillis();
      // A round in which none was marked within the minute waited for counts as that minute.
      long marked = result.lastMarkedAfterDetection() == null ? 60_000 : result.lastMarkedAfterDetection().toMillis();
      long endedBeforeDetection = result.edges().stream().filter(edge -> edge.end().isBefore(result.detectedAt()))
          .count();
      detectionMillis.add(detection);
      markedMillis.add(marked);
      promoted.add(result.marked().size());
      System.out.printf(Locale.ROOT, "figures: window edge round %d: %d of %d conversations marked with the new "
          + "primary's complete copy as best (%d had ended before detection, every one started before the window's "
          + "start %s); detection %d ms after the freeze; %s%n", round, result.marked().size(), CONVERSATIONS,
          endedBeforeDetection, result.windowFrom(), detection, result.marked().isEmpty()
              ? "none marked within a minute of detection"
              : String.format(Locale.ROOT, "last marked %d ms after detection (%.2f x detection)", marked,
                  (double) marked / detection));
      assertThat(result.edges()).allSatisfy(edge -> assertThat(edge.start()).isBefore(result.windowFrom()));
      victim.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0)
          .get("healthy").asBoolean());
    }
    long detection = median(detectionMillis);
    long marked = median(markedMillis);
    System.out.printf(Locale.ROOT, "figures: window edge, median of %d rounds: %d of %d conversations promoted; "
        + "detection %d ms after the freeze; last marked %d ms after detection (%.2f x detection); rounds %s ms, "
        + "%s ms%n", ROUNDS, median(promoted.stream().map(Integer::longValue).toList()), CONVERSATIONS, detection,
        marked, (double) marked / detection, detectionMillis, markedMillis);
    assertThat(promoted).allMatch(count -> count == CONVERSATIONS);
    for (CompletableFuture<SimulationReport> load : loads) {
      load.get(120, TimeUnit.SECONDS);
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
