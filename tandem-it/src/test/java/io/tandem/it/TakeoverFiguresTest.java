package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The takeover figures, run by hand with {@code -Dfigures=true} ({@code bench/run takeover}): two Recorder Managers
 * as processes on one call database and one pair, default lease (3 s). Each of {@code -Dfigures.rounds} (default 5)
 * rounds kills the acting Manager with kill -9 and times until the standby's {@code /ready} says it acts. The
 * baseline, in the same rounds: the killed Manager started again at once, as a supervisor would restart a single
 * Manager, timed until its {@code /ready} answers 200 (with one Manager, the RRC came back no sooner). Prints
 * medians.
 */
@EnabledIfSystemProperty(named = "figures", matches = "true")
class TakeoverFiguresTest {
  private static final int ROUNDS = Integer.getInteger("figures.rounds", 5);

  @TempDir
  static Path root;
  private static PairFixture pair;
  private static ManagerProcess second;

  @BeforeAll
  static void start() throws Exception {
    pair = new PairFixture(root, 397_001, 397_002, 28_000, true, "1s");
    second = new ManagerProcess(root.resolve("manager-2"), pair.postgres.jdbcUrl(), "1s", 3).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (second != null) {
      second.close();
    }
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void takeoverAfterKill9AgainstARestart() throws Exception {
    List<ManagerProcess> managers = List.of(pair.managerProcess, second);
    List<Long> takeovers = new ArrayList<>();
    List<Long> restarts = new ArrayList<>();
    String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
    for (int round = 0; round < ROUNDS; round++) {
      await().atMost(Duration.ofSeconds(60)).until(() -> managers.stream().filter(m -> "acting".equals(rrc(m)))
          .count() == 1 && managers.stream().filter(m -> "standby".equals(rrc(m))).count() == 1);
      ManagerProcess acting = managers.stream().filter(m -> "acting".equals(rrc(m))).findFirst().orElseThrow();
      ManagerProcess standby = acting == managers.get(0) ? managers.get(1) : managers.get(0);

      long killedAt = System.nanoTime();
      acting.kill9();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
          .until(() -> "acting".equals(rrc(standby)));
      takeovers.add((System.nanoTime() - killedAt) / 1_000_000);

      long restartedAt = System.nanoTime();
      acting.start();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> rrc(acting) != null);
      restarts.add((System.nanoTime() - restartedAt) / 1_000_000);
      System.out.printf("round %d: takeover %d ms, restart to ready %d ms%n", round + 1, takeovers.getLast(),
          restarts.getLast());
    }
    long takeover = median(takeovers);
    long restart = median(restarts);
    System.out.printf("takeover figures: standby acting after kill -9 of the acting Manager, median %d ms %s; a "
        + "restart of the killed Manager until ready, median %d ms %s; ratio %.2f; load average %s before, %s after%n",
        takeover, takeovers, restart, restarts, (double) takeover / restart, loadBefore,
        Files.readString(Path.of("/proc/loadavg")).trim());
    assertThat(takeover).isLessThan(10_000);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /** "acting" or "standby" as the Manager's {@code /ready} says; null while it does not answer 200. */
  private static String rrc(ManagerProcess manager) {
    try {
      HttpResponse<String> response = PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(manager.url()
          + "/ready")).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return null;
      }
      JsonNode ready = io.tandem.json.Json.MAPPER.readTree(response.body());
      return ready.get("rrc").asText();
    } catch (Exception e) {
      return null;
    }
  }
}
