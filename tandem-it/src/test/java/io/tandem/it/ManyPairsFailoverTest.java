package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SessionIds;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three pairs (six recorder processes) under one Recorder Manager, against the machine's own PostgreSQL 15 server
 * that the test starts: the Manager's API and metrics show every pair; under simulated load spread over all pairs,
 * kill -9 of one pair's Main fails that pair over alone (its epoch raised by one, the others' unchanged, no FAILOVER
 * for them), and the tally over all pairs, by copies and INUMs, finds no conversation lost, duplicated or joined to
 * another, and every copy of every recorder linked.
 */
class ManyPairsFailoverTest {
  private static final int PAIRS = 3;
  private static final int FIRST_SERIAL = 610_001;
  private static final int CONVERSATIONS = 45;

  @TempDir
  static Path root;

  static DebianPostgres postgres;
  static PairsFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    postgres = DebianPostgres.start();
    // The secondaries link their copies 5 s after they end, so that the test can wait for every copy linked.
    // RTP below the ephemeral range (32768 and up), where the recorders' SIP and admin ports are drawn; at an offset
    // of its own, so that another run on the machine rarely shares it.
    int rtpBase = 4_000 + 500 * java.util.concurrent.ThreadLocalRandom.current().nextInt(8);
    fixture = PairsFixture.start(root, postgres.jdbcUrl(), PAIRS, FIRST_SERIAL, rtpBase, 500,
        Map.of("gap.grace", "5s"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (fixture != null) {
        fixture.close();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  void killingOnePairsMainFailsOverThatPairAloneAndLosesOrDuplicatesNoConversation() throws Exception {
    String manager = fixture.managerUrl();
    await().atMost(Duration.ofSeconds(30)).until(() -> status(manager + "/ready") == 200);
    // Ready needs each pair's primary; a secondary may still be on its first beats: wait until all six are healthy.
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (JsonNode pair : PairFixture.getJson(manager + "/api/pairs")) {
        for (JsonNode recorder : pair.get("recorders")) {
          if (!recorder.get("healthy").asBoolean()) {
            return false;
          }
        }
      }
      return true;
    });
    JsonNode before = PairFixture.getJson(manager + "/api/pairs");
    assertThat(before).extracting(pair -> pair.get("name").asText()).containsExactly("pair-1", "pair-2", "pair-3");
    for (JsonNode pair : before) {
      assertThat(pair.get("epoch").asLong()).as("epoch of %s", pair.get("name")).isEqualTo(1);
      assertThat(pair.get("recorders")).hasSize(2).allSatisfy(recorder -> assertThat(recorder.get("healthy")
          .asBoolean()).as("%s", recorder).isTrue());
    }
    assertMetricsShowEveryPair(manager, List.of(1L, 1L, 1L));
    assertThat(consolePairs(manager)).as("pairs the console's feed shows").extracting(pair -> pair.get("name")
        .asText()).containsExactly("pair-1", "pair-2", "pair-3");

    PairsFixture.Pair failing = fixture.pairs.get(1);
    CompletableFuture<SimulationReport> load = CompletableFuture.supplyAsync(() -> new CallSimulator(
        new SimulationPlan(fixture.sipAddresses(), CONVERSATIONS, 9, Duration.ofSeconds(4), "udp", 0,
            SessionIds.SHARED, null, null)).run());
    // Some of the failing pair's calls have ended on its Backup before the kill, and more are in progress.
    await().atMost(Duration.ofSeconds(30)).until(() -> calls(failing.main()) >= 5 && endedCalls(failing.backup()) >= 2);
    failing.main().kill9();

    JsonNode failover = await().atMost(Duration.ofSeconds(30)).until(() -> failovers(manager),
        events -> !events.isEmpty()).getFirst();
    assertThat(failover.get("pair").asText()).isEqualTo("pair-2");
    assertThat(failover.get("details").get("toSerial").asText()).isEqualTo(Integer.toString(failing.backup().serial));
    assertThat(failover.get("details").get("epoch").asLong()).isEqualTo(2);
    SimulationReport report = load.get();
    assertThat(report.conversationsSent()).isEqualTo(CONVERSATIONS);
    for (PairsFixture.Pair pair : List.of(fixture.pairs.get(0), fixture.pairs.get(2))) {
      for (RecorderProcess recorder : List.of(pair.main(), pair.backup())) {
        assertThat(report.callsPerRecorder().get(recorder.sipAddress())).as("calls %s of %s recorded", recorder.serial,
            pair.name()).isEqualTo(CONVERSATIONS / PAIRS);
      }
    }

    failing.main().start();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode health = PairFixture.getJson(failing.main().adminUrl() + "/health");
      return "SECONDARY".equals(health.get("role").asText()) && health.get("epoch").asLong() == 2;
    });
    ConversationTally tally = ConversationTally.awaitEveryCopyLinked(fixture.recorders(), manager,
        report.conversations(), Duration.ofSeconds(90));
    System.out.printf("three pairs, kill -9 of pair-2's Main: %s; simulator %s%n", tally, report.summaryJson());
    assertThat(List.of(tally.missing(), tally.duplicated(), tally.misjoined()))
        .as("lost, duplicated, misjoined over all pairs in %s", tally).containsOnly(0);

    JsonNode after = PairFixture.getJson(manager + "/api/pairs");
    assertThat(after).extracting(pair -> pair.get("epoch").asLong()).containsExactly(1L, 2L, 1L);
    assertThat(after.get(1).get("recorders")).extracting(recorder -> recorder.get("role").asText())
        .containsExactly("SECONDARY", "PRIMARY");
    for (int other : new int[] {0, 2}) {
      assertThat(after.get(other).get("recorders")).extracting(recorder -> recorder.get("role").asText())
          .containsExactly("PRIMARY", "SECONDARY");
    }
    assertThat(failovers(manager)).as("FAILOVER events").extracting(event -> event.get("pair").asText())
        .containsExactly("pair-2");
    assertMetricsShowEveryPair(manager, List.of(1L, 2L, 1L));
  }

  /** The Manager's metrics carry each pair's epoch and a health and a role for each of its recorders. */
  private static void assertMetricsShowEveryPair(String manager, List<Long> epochs) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      String metrics = PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(manager + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (int i = 0; i < PAIRS; i++) {
        PairsFixture.Pair pair = fixture.pairs.get(i);
        assertThat(metrics).contains("tandem_pair_epoch{pair=\"" + pair.name() + "\"} " + epochs.get(i) + ".0");
        boolean swapped = epochs.get(i) % 2 == 0;
        for (RecorderProcess recorder : List.of(pair.main(), pair.backup())) {
          String labels = "{pair=\"" + pair.name() + "\",position=\"" + recorder.position + "\",serial=\""
              + recorder.serial + "\"}";
          boolean primary = (recorder == pair.main()) != swapped;
          assertThat(metrics).contains("tandem_recorder_healthy" + labels + " 1.0",
              "tandem_recorder_primary" + labels + (primary ? " 1.0" : " 0.0"));
        }
      }
    });
  }

  /** The first {@code pairs} event of the console's live feed ({@code GET /api/live}): what its pairs view draws. */
  private static JsonNode consolePairs(String manager) throws Exception {
    HttpResponse<java.util.stream.Stream<String>> feed = PairFixture.HTTP.send(HttpRequest.newBuilder(
        URI.create(manager + "/api/live")).header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(feed.statusCode()).isEqualTo(200);
    try (java.util.stream.Stream<String> lines = feed.body()) {
      return CompletableFuture.supplyAsync(() -> {
        String event = "";
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.startsWith("event:")) {
            event = line.substring("event:".length()).strip();
          } else if (line.startsWith("data:") && event.equals("pairs")) {
            try {
              return io.tandem.json.Json.MAPPER.readTree(line.substring("data:".length()).strip());
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }
        throw new AssertionError("the live feed ended without a pairs event");
      }).get(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static List<JsonNode> failovers(String manager) throws Exception {
    List<JsonNode> failovers = new ArrayList<>();
    for (JsonNode event : PairFixture.getJson(manager + "/api/events")) {
      if ("FAILOVER".equals(event.get("type").asText())) {
        failovers.add(event);
      }
    }
    return failovers;
  }

  private static int calls(RecorderProcess recorder) throws Exception {
    return PairFixture.getJson(recorder.adminUrl() + "/api/calls").size();
  }

  private static int endedCalls(RecorderProcess recorder) throws Exception {
    int ended = 0;
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls")) {
      ended += call.path("end").isNull() || call.path("end").isMissingNode() ? 0 : 1;
    }
    return ended;
  }

  private static int status(String url) {
    try {
      return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return 0;
    }
  }
}
