package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manual promotion procedure, end to end: the Main dies, the Backup goes on recording, and the
 * WorkflowShell's Rebuild on the Backup promotes exactly what the call database lacks, once. The RRC is
 * kept from failing the pair over (its health interval is an hour), as when the Backup's calls lie outside
 * the rollback window: promoting them is then the administrator's job.
 */
class WorkflowShellEndToEndTest {
  private static final DateTimeFormatter COMMAND_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
      .withZone(ZoneOffset.UTC);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 360001, 360002, 26000, false, "1h", java.util.Map.of("gap.grace", "1h"));
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void rebuildOnTheBackupPromotesWhatTheDatabaseLacksExactlyOnce() throws Exception {
    assertThat(simulate(pair.sipAddresses(), 4).failures()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> interactions().size() == 4);

    pair.main.kill9();
    Instant mainDied = Instant.now().plusSeconds(1);
    await().pollDelay(Duration.ofMillis(1100)).until(() -> true); // later calls start after mainDied
    assertThat(simulate(backupOnly(), 3).failures()).isZero();

    assertThat(shell("Rebuild Fix true false")).contains("matched 0, added 0");
    assertThat(shell("Rebuild Fix true true " + COMMAND_TIME.format(mainDied)))
        .contains("Rebuild Fix done: scanned 3, matched 3, added 3, already present 0");
    await().atMost(Duration.ofSeconds(30)).until(() -> interactions().size() == 7);
    assertThat(copiesPerInteraction()).containsValues(1L).doesNotContainValue(2L);

    assertThat(shell("Rebuild Fix true true")).contains("matched 7, added 4, already present 3");
    await().atMost(Duration.ofSeconds(30)).until(() -> copiesPerInteraction().values().stream()
        .filter(n -> n == 2).count() == 4);
    assertThat(interactions()).hasSize(7);
    assertThat(shell("Rebuild Fix true true")).contains("added 0, already present 7");

    Instant beforeFull = Instant.now();
    assertThat(simulate(backupOnly(), 2).failures()).isZero();
    assertThat(shell("Rebuild Full true true")).contains("Rebuild Full done: scanned 9, matched 9, added 9");
    JsonNode workflow = PairFixture.getJson(pair.backup.adminUrl() + "/api/status").get("workflow");
    assertThat(workflow.get("AWAITING_REPROCESS").asLong()).isEqualTo(9);
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(interactions()).as("Full marks nothing").hasSize(7);

    reprocess(beforeFull.minusSeconds(3600), Instant.now().plusSeconds(60));
    await().atMost(Duration.ofSeconds(30)).until(() -> interactions().size() == 9);
    assertThat(copiesPerInteraction().values()).containsOnly(1L, 2L);
    assertThat(copiesPerInteraction().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4 + 9);
  }

  @Test
  void aSyntaxErrorChangesNothingAndFails() throws Exception {
    Path log = root.resolve("shell-bad.log");
    Process shell = RecorderProcess.launch(List.of("shell", "--recorder", pair.backup.adminUrl(), "-c",
        "Rebuild Fix true true 20261326000000"), log);
    assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(shell.exitValue()).isNotZero();
    assertThat(Files.readString(log)).contains("month 13");
  }

  private static String shell(String command) throws Exception {
    Path log = Files.createTempFile(root, "shell", ".log");
    Process shell = RecorderProcess.launch(List.of("shell", "--recorder", pair.backup.adminUrl(), "-c", command),
        log);
    assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(shell.exitValue()).as("exit status of '%s': %s", command, output).isZero();
    return output;
  }

  private static void reprocess(Instant from, Instant to) throws Exception {
    HttpResponse<String> started = PairFixture.HTTP.send(HttpRequest.newBuilder(
        URI.create(pair.managerUrl() + "/api/reprocess")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"serial\":\"360002\",\"from\":\"" + from + "\",\"to\":\"" + to
            + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isBetween(200, 202);
    String id = io.tandem.json.Json.MAPPER.readTree(started.body()).get("id").asText();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        "DONE".equals(PairFixture.getJson(pair.managerUrl() + "/api/jobs/" + id).get("state").asText()));
  }

  private static List<InetSocketAddress> backupOnly() {
    return List.of(new InetSocketAddress("127.0.0.1", pair.backup.sipPort));
  }

  private static SimulationReport simulate(List<InetSocketAddress> recorders, int conversations) {
    return new CallSimulator(new SimulationPlan(recorders, conversations, 4, Duration.ofSeconds(1), "udp", 0)).run();
  }

  private static JsonNode interactions() throws Exception {
    return PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=1000");
  }

  private static TreeMap<String, Long> copiesPerInteraction() throws Exception {
    TreeMap<String, Long> copies = new TreeMap<>();
    for (JsonNode interaction : interactions()) {
      copies.put(interaction.get("correlationKey").asText(), (long) interaction.get("copies").size());
    }
    return copies;
  }
}
