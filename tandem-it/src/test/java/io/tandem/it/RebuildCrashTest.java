package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Inum;
import io.tandem.callbuffer.LocalStore;
import io.tandem.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the recorder while a Rebuild runs, restart, run it again: the Workflow ends as one clean run
 * leaves it (a Full cut by the kill is finished by the restarted recorder on its own). The Backup's call buffer is filled beforehand so that a rebuild lasts long enough to be cut, and
 * each crash is shown to have landed mid-job. The Fix runs first, on an empty Workflow.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RebuildCrashTest {
  private static final int BACKUP = 370_002;
  private static final int CALLS = 300_000;

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPairOnAFilledBuffer() throws Exception {
    fillBuffer(root.resolve("backup").resolve("buffer.db"));
    // The calls ended two days ago; a grace period beyond that keeps the Backup's gap audit from promoting them
    // into the Workflow beside the rebuilds this test counts.
    pair = new PairFixture(root, 370_001, BACKUP, 20_000, false, "500ms", Map.of("gap.grace", "7d"));
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void aFixCutByKillMinus9AndRunAgainAddsEveryCallOnce() throws Exception {
    startAndKillMidJob("Rebuild Fix true true");
    long afterCrash = entries();
    assertThat(afterCrash).as("a Fix cut half way has added only the chunks it committed").isBetween(0L,
        (long) CALLS - 1);

    JsonNode job = runToEnd("Rebuild Fix true true");
    JsonNode progress = job.get("progress");
    assertThat(progress.get("added").asLong()).isEqualTo(CALLS - afterCrash);
    assertThat(progress.get("alreadyPresent").asLong()).isEqualTo(afterCrash);
    assertThat(entries()).isEqualTo(CALLS);
  }

  @Test
  @Order(2)
  void aFullCutByKillMinus9IsFinishedByTheRestartAndRunAgainEndsTheSame() throws Exception {
    runToEnd("Rebuild Fix true true");
    assertThat(workflow().path("AWAITING_REPROCESS").asLong()).as("before the Full: %s", workflow()).isZero();
    assertThat(entries()).isEqualTo(CALLS);

    startAndKillMidJob("Rebuild Full");
    JsonNode finishing = awaitFinishingJob();
    assertThat(finishing.get("state").asText()).as(finishing.toString()).isEqualTo("DONE");
    assertThat(finishing.get("command").asText()).startsWith("Rebuild Full true true");
    JsonNode workflow = workflow();
    assertThat(workflow.path("AWAITING_REPROCESS").asLong()).as("after the restart: %s", workflow)
        .isEqualTo(CALLS);
    assertThat(entries()).as("entries after the restart: %s", workflow).isEqualTo(CALLS);

    runToEnd("Rebuild Full");
    assertThat(workflow().path("AWAITING_REPROCESS").asLong()).isEqualTo(CALLS);
    assertThat(entries()).isEqualTo(CALLS);
  }

  /** The job the restarted recorder runs to finish the Full a kill cut, once it has ended. */
  private static JsonNode awaitFinishingJob() {
    return await().atMost(Duration.ofSeconds(120)).until(() -> {
      for (JsonNode job : PairFixture.getJson(pair.backup.adminUrl() + "/api/jobs")) {
        if (job.get("command").asText().endsWith("(finishing the run a stop cut)")) {
          return job;
        }
      }
      return null;
    }, job -> job != null && !"RUNNING".equals(job.get("state").asText()));
  }

  /**
   * Starts the command and kills the recorder once the job is seen with at most half of its calls scanned, so
   * the crash lands mid-job: a job scans the other half in far more time than the kill takes. A job that ends
   * before it is seen so fails the test: it would prove nothing.
   */
  private static void startAndKillMidJob(String command) throws Exception {
    String id = start(command);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
      JsonNode job = PairFixture.getJson(pair.backup.adminUrl() + "/api/jobs/" + id);
      JsonNode progress = job.get("progress");
      if (!"RUNNING".equals(job.get("state").asText())) {
        throw new AssertionError("the job ended before it could be cut half way, proving nothing: " + job);
      }
      long scanned = progress.get("scanned").asLong();
      return scanned > 0 && scanned <= progress.get("total").asLong() / 2;
    });
    pair.backup.kill9();
    pair.backup.start();
  }

  private static JsonNode runToEnd(String command) throws Exception {
    String id = start(command);
    await().atMost(Duration.ofSeconds(120)).until(() ->
        !"RUNNING".equals(PairFixture.getJson(pair.backup.adminUrl() + "/api/jobs/" + id).get("state").asText()));
    JsonNode job = PairFixture.getJson(pair.backup.adminUrl() + "/api/jobs/" + id);
    assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("DONE");
    return job;
  }

  private static String start(String command) throws Exception {
    HttpResponse<String> response = PairFixture.HTTP.send(HttpRequest.newBuilder(
        URI.create(pair.backup.adminUrl() + "/api/rebuild")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"" + command + "\",\"actor\":\"test\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return Json.MAPPER.readTree(response.body()).get("id").asText();
  }

  private static JsonNode workflow() throws Exception {
    return PairFixture.getJson(pair.backup.adminUrl() + "/api/status").get("workflow");
  }

  private static long entries() throws Exception {
    long total = 0;
    for (JsonNode count : workflow()) {
      total += count.asLong();
    }
    return total;
  }

  /** Calls recorded earlier by this Backup, written straight into its call buffer as it would hold them. */
  private static void fillBuffer(Path file) {
    try (LocalStore store = LocalStore.open(file)) {
      store.transaction(c -> {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO calls (inum, correlation_key, start_nanos,"
            + " end_nanos, call_role, state, participants, streams, packets_received, packets_lost, media_bytes,"
            + " duration_millis, media_path) VALUES (?, ?, ?, ?, 'SLAVE', 'COMPLETE', '[]', '[]', 250, 0, 80000,"
            + " 5000, ?)")) {
          long first = Instant.now().minus(Duration.ofDays(2)).getEpochSecond() * 1_000_000_000L;
          for (int i = 0; i < CALLS; i++) {
            // Sequences far above what the running recorder allocates, so they never meet.
            Inum inum = Inum.of(BACKUP, 500_000_000L + i);
            insert.setLong(1, inum.value());
            insert.setString(2, "earlier-" + i);
            insert.setLong(3, first + i * 100_000_000L);
            insert.setLong(4, first + i * 100_000_000L + 5_000_000_000L);
            insert.setString(5, "calls/" + inum + ".wav");
            insert.addBatch();
          }
          insert.executeBatch();
        }
        return null;
      });
    }
  }
}
