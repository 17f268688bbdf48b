package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.io.IOException;
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
 * The call database stops, or freezes, under load and comes back: recording never stops, the pair is not failed
 * over (the health probe's interval is 500 ms with 3 misses, the outage lasts several seconds), no call is lost,
 * Workflow drains. Each test counts only what it adds, so they run in any order.
 */
class DatabaseOutageTest {
  private static final int CONVERSATIONS = 20;
  /** Well past the RRC's 3 misses of 500 ms, so that a probe tied to the database would have failed the pair. */
  private static final Duration FROZEN = Duration.ofSeconds(6);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 350001, 350002, 22000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void noCallIsLostWhileTheCallDatabaseIsDown() throws Exception {
    Outage before = Outage.start();
    CompletableFuture<SimulationReport> load = simulate();
    await().atMost(Duration.ofSeconds(20)).until(() -> bufferCalls() >= before.callsBefore + 3);
    pair.stopPostgres();
    // Calls go on ending while the database is down: they wait in the Workflow.
    await().atMost(Duration.ofSeconds(20)).until(() -> workflow().path("PENDING").asLong() >= 3);
    assertThat(pair.main.healthy()).isTrue();
    pair.startPostgres();

    before.assertNothingLostAndNoFailover(load.get());
  }

  @Test
  void aFrozenCallDatabaseRaisesNoFailoverAndMarkingCatchesUp() throws Exception {
    Outage before = Outage.start();
    CompletableFuture<SimulationReport> load = simulate();
    await().atMost(Duration.ofSeconds(20)).until(() -> bufferCalls() >= before.callsBefore + 3);
    List<Long> frozen = freezePostgres();
    try {
      long frozenCalls = bufferCalls();
      // Recording goes on: calls end into the buffer and wait in the Workflow while nothing can be marked.
      await().pollDelay(FROZEN).atMost(FROZEN.plusSeconds(20)).until(() -> bufferCalls() > frozenCalls
          && workflow().path("PENDING").asLong() >= 1);
      assertThat(pair.main.healthy()).isTrue();
      assertThat(pair.backup.healthy()).isTrue();
    } finally {
      signal("CONT", frozen);
    }

    before.assertNothingLostAndNoFailover(load.get());
  }

  /** What the pair held before an outage, to count only what the outage's load adds. */
  private record Outage(long callsBefore, long done, long epoch, String primary) {
    static Outage start() throws Exception {
      JsonNode pairs = PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0);
      return new Outage(bufferCalls(), workflow().path("DONE").asLong(), pairs.get("epoch").asLong(),
          Integer.toString(pair.primary().serial));
    }

    void assertNothingLostAndNoFailover(SimulationReport report) throws Exception {
      assertThat(report.failures()).isZero();
      ConversationTally tally = ConversationTally.awaitEveryConversationOnce(pair, report.conversations());
      assertThat(List.of(tally.missing(), tally.duplicated(), tally.misjoined(), tally.incompleteBest()))
          .as("lost, duplicated, misjoined, incomplete best in %s", tally).containsOnly(0);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        JsonNode workflow = workflow();
        return workflow.path("PENDING").asLong() == 0 && workflow.path("ARCHIVING").asLong() == 0
            && workflow.path("DONE").asLong() == done + CONVERSATIONS;
      });
      JsonNode pairs = PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0);
      assertThat(pairs.get("epoch").asLong()).as("the pair's epoch: no role changed").isEqualTo(epoch);
      assertThat(Integer.toString(pair.primary().serial)).isEqualTo(primary);
      assertThat(pair.events()).noneMatch(event -> event.get("type").asText().equals("FAILOVER"));
    }
  }

  private static CompletableFuture<SimulationReport> simulate() {
    return CompletableFuture.supplyAsync(() -> new CallSimulator(
        new SimulationPlan(pair.sipAddresses(), CONVERSATIONS, 4, Duration.ofSeconds(2), "udp", 0)).run());
  }

  private static long bufferCalls() throws Exception {
    return PairFixture.getJson(pair.main.adminUrl() + "/api/status").get("buffer").get("calls").asLong();
  }

  private static JsonNode workflow() throws Exception {
    return PairFixture.getJson(pair.main.adminUrl() + "/api/status").get("workflow");
  }

  /**
   * SIGSTOP to the PostgreSQL server and every process it started: connections stay open and every query hangs,
   * as a database host that stalls does; returns the processes frozen.
   */
  private static List<Long> freezePostgres() throws IOException, InterruptedException {
    long postmaster = Long.parseLong(Files.readAllLines(root.resolve("postgres").resolve("postmaster.pid")).get(0)
        .strip());
    List<Long> processes = new ArrayList<>();
    processes.add(postmaster);
    ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(child -> processes.add(child.pid()));
    signal("STOP", processes);
    for (long pid : processes) {
      await().atMost(Duration.ofSeconds(5)).until(() -> stopped(pid));
    }
    return processes;
  }

  /** Whether the process is stopped by a signal, as the kernel reports its state (or gone). */
  private static boolean stopped(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return true;
    }
    String line = Files.readString(stat);
    // The state follows the command name, which is in parentheses and may hold spaces.
    return line.substring(line.lastIndexOf(')') + 2).startsWith("T");
  }

  private static void signal(String name, List<Long> processes) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + name));
    processes.forEach(pid -> command.add(Long.toString(pid)));
    int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
    assertThat(exit).as("%s", command).isZero();
  }
}
