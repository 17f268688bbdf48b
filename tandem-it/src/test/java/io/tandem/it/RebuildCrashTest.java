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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the recorder while a Rebuild runs, restart, run it again: the Workflow ends as one clean run
 * leaves it. The Backup's call buffer is filled beforehand so that a rebuild lasts long enough to be cut.
 */
class RebuildCrashTest {
  private static final int BACKUP = 370_002;
  private static final int CALLS = 300_000;

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPairOnAFilledBuffer() throws Exception {
    fillBuffer(root.resolve("backup").resolve("buffer.db"));
    pair = new PairFixture(root, 370_001, BACKUP, 20_000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aFixCutByKillMinus9AndRunAgainAddsEveryCallOnce() throws Exception {
    startAndKill("Rebuild Fix true true");
    long afterCrash = entries();
    assertThat(afterCrash).isBetween(0L, (long) CALLS);

    JsonNode job = runToEnd("Rebuild Fix true true");
    JsonNode progress = job.get("progress");
    assertThat(progress.get("added").asLong()).isEqualTo(CALLS - afterCrash);
    assertThat(progress.get("alreadyPresent").asLong()).isEqualTo(afterCrash);
    assertThat(entries()).isEqualTo(CALLS);
  }

  @Test
  void aFullCutByKillMinus9IsAllOrNothingAndRunAgainEndsTheSame() throws Exception {
    runToEnd("Rebuild Fix true true");
    startAndKill("Rebuild Full");
    JsonNode workflow = workflow();
    long awaiting = workflow.path("AWAITING_REPROCESS").asLong();
    assertThat(awaiting).as("a Full is one transaction: %s", workflow).isIn(0L, (long) CALLS);
    assertThat(entries()).as("entries after the crash: %s", workflow).isEqualTo(CALLS);

    runToEnd("Rebuild Full");
    assertThat(workflow().path("AWAITING_REPROCESS").asLong()).isEqualTo(CALLS);
    assertThat(entries()).isEqualTo(CALLS);
  }

  private static void startAndKill(String command) throws Exception {
    String id = start(command);
    // Kill as soon as the job is seen working; a job that ends first still has to leave a clean state.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
      JsonNode job = PairFixture.getJson(pair.backup.adminUrl() + "/api/jobs/" + id);
      return job.get("progress").get("scanned").asLong() > 0 || !"RUNNING".equals(job.get("state").asText());
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
