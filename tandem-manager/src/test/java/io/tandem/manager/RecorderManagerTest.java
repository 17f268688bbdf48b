package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.EventView;
import io.tandem.database.Fence;
import io.tandem.database.RecorderRegistration;
import io.tandem.json.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderManagerTest {
  private static final Instant T0 = Instant.parse("2026-11-26T14:30:00Z");
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  /** An admin's API token, which every request of the test carries. */
  private static String token;
  private static final byte[] ARCHIVED = randomBytes(1, 50_000);
  private static final byte[] ON_RECORDER = randomBytes(2, 40_000);

  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private static FakeRecorder recorder;
  private static ManagerAssembly manager;
  private static Path archiveDirectory;
  @TempDir
  static Path files;
  private static long archivedId;
  private static long onRecorderId;
  private static long unreachableId;
  private static long fallbackId;

  @BeforeAll
  static void startManager() throws Exception {
    server = EmbeddedDatabase.start(files.resolve("database"), 0);
    database = CallDatabase.connect(server.config(4));
    database.migrate();
    token = database.credentials().addToken("test-admin", io.tandem.access.AccessRole.ADMIN, "the test").token();
    recorder = new FakeRecorder(ON_RECORDER);
    database.register(new RecorderRegistration(500_000, "pair-m", Position.MAIN, recorder.adminUrl(),
        "127.0.0.1:15060"));
    database.register(new RecorderRegistration(500_001, "pair-m", Position.BACKUP, "http://127.0.0.1:" + closedPort(),
        "127.0.0.1:15062"));
    database.mark(new Fence(500_000, 1), List.of(call(500_000, 1, "conv-archived", 0),
        call(500_000, 2, "conv-on-recorder", 10)));
    database.mark(new Fence(500_001, 1), List.of(call(500_001, 1, "conv-unreachable", 20)));
    // A conversation whose best copy is on the unreachable recorder and whose other copy, truncated, is on the
    // reachable one.
    database.mark(new Fence(500_001, 1), List.of(call(500_001, 2, "conv-fallback", 30)));
    database.link(new Fence(500_000, 1), List.of(call(500_000, 3, "conv-fallback", 30, CallState.TRUNCATED)),
        java.util.Set.of());
    archiveDirectory = Files.createDirectories(files.resolve("archive"));
    Path archived = Files.write(archiveDirectory.resolve("500000000000001.wav"), ARCHIVED);
    database.recordArchived(Inum.of(500_000, 1), archived.toString(), "00", ARCHIVED.length);
    database.appendEvent("RECORDER_UP", "pair-m", Map.of("serial", "500000"));
    archivedId = idOf("conv-archived");
    onRecorderId = idOf("conv-on-recorder");
    unreachableId = idOf("conv-unreachable");
    fallbackId = idOf("conv-fallback");
    manager = new ManagerAssembly(new ManagerConfig("127.0.0.1", 0, server.jdbcUrl(), "postgres", "",
        Duration.ofMillis(100), 3), database);
    manager.start();
  }

  @AfterAll
  static void stopManager() {
    manager.stop();
    recorder.close();
    database.close();
    server.close();
  }

  @Test
  void healthAnswers200WhileTheProcessLives() throws Exception {
    HttpResponse<byte[]> health = get("/health", null);

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health, 200).get("status").asText()).isEqualTo("alive");
  }

  @Test
  void readyAnswers503WithTheReasonWhileThePrimaryCannotBeReached() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/ready", null).statusCode() == 200);
    recorder.healthy.set(false);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> get("/ready", null).statusCode() == 503);
      assertThat(json(get("/ready", null), 503).get("error").asText())
          .isEqualTo("not ready: the primary of pair pair-m, recorder 500000, has not answered its health checks as "
              + "able to capture");
    } finally {
      recorder.healthy.set(true);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/ready", null).statusCode() == 200);
  }

  @Test
  void pairsListRecordersWithTheDocumentedFields() throws Exception {
    JsonNode pairs = json(get("/api/pairs", null), 200);

    JsonNode pair = pairs.get(0);
    assertThat(pair.get("name").asText()).isEqualTo("pair-m");
    assertThat(pair.get("epoch").asLong()).isEqualTo(1);
    assertThat(pair.get("rollbackWindowSeconds").asLong()).isEqualTo(900);
    assertThat(pair.get("matchToleranceMillis").asInt()).isEqualTo(2000);
    JsonNode main = pair.get("recorders").get(0);
    assertThat(fieldNames(main)).containsExactly("serial", "position", "role", "healthy", "adminUrl", "sipAddress");
    assertThat(main.get("serial").asText()).isEqualTo("500000");
    assertThat(main.get("role").asText()).isEqualTo("PRIMARY");
    assertThat(pair.get("recorders").get(1).get("healthy").asBoolean()).isFalse();
  }

  @Test
  void recorderTurnsUnhealthyAfterTheMissesAndHealthyWhenItAnswersAgain() {
    await().atMost(Duration.ofSeconds(10)).until(() -> mainHealthy());
    recorder.healthy.set(false);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> !mainHealthy());
    } finally {
      recorder.healthy.set(true);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> mainHealthy());
  }

  @Test
  void interactionsHaveTheDocumentedShape() throws Exception {
    JsonNode list = json(get("/api/interactions", null), 200);

    assertThat(list).hasSize(4);
    assertThat(list.get(0).get("correlationKey").asText()).as("newest first").isEqualTo("conv-fallback");
    JsonNode first = list.get(3);
    assertThat(fieldNames(first)).containsExactly("id", "correlationKey", "start", "end", "bestInum", "copies",
        "participants");
    assertThat(first.get("correlationKey").asText()).isEqualTo("conv-archived");
    assertThat(first.get("start").asText()).isEqualTo("2026-11-26T14:30:00Z");
    assertThat(first.get("bestInum").asText()).isEqualTo("500000000000001");
    assertThat(fieldNames(first.get("copies").get(0)))
        .containsExactly("inum", "serial", "callRole", "complete", "marked", "quirks", "dtmf", "archive");
    JsonNode archive = first.get("copies").get(0).get("archive");
    assertThat(fieldNames(archive)).containsExactly("location", "sha256", "bytes", "archivedAt", "retentionMode",
        "retainUntil", "legalHold");
    assertThat(archive.get("bytes").asLong()).isEqualTo(ARCHIVED.length);
    assertThat(archive.get("retentionMode").isNull()).isTrue();
    assertThat(archive.get("legalHold").asBoolean()).isFalse();
    assertThat(list.get(0).get("copies").get(0).get("archive").isNull()).as("a copy not archived").isTrue();
  }

  @Test
  void interactionsAreFilteredByRangeAndLimit() throws Exception {
    JsonNode list = json(get("/api/interactions?from=2026-11-26T14:30:05Z&to=2026-11-26T14:30:20Z", null), 200);
    assertThat(list).extracting(node -> node.get("correlationKey").asText()).containsExactly("conv-on-recorder");

    assertThat(json(get("/api/interactions?limit=2", null), 200)).hasSize(2);
    assertThat(json(get("/api/interactions?limit=2&", null), 200)).as("a stray '&' is no parameter").hasSize(2);
  }

  @Test
  void searchPagesByCursorWithTheFiltersKept() throws Exception {
    HttpResponse<byte[]> first = get("/api/interactions?serial=500000&limit=1&order=oldest", null);
    assertThat(json(first, 200)).extracting(node -> node.get("correlationKey").asText())
        .containsExactly("conv-archived");
    String cursor = first.headers().firstValue("X-Tandem-Next-Cursor").orElseThrow();
    assertThat(first.headers().firstValue("Link")).hasValueSatisfying(link -> assertThat(link)
        .startsWith("</api/interactions?cursor=" + cursor).contains("serial=500000", "order=oldest", "rel=\"next\""));

    List<String> rest = new java.util.ArrayList<>();
    String next = cursor;
    while (next != null) {
      HttpResponse<byte[]> page = get("/api/interactions?serial=500000&limit=1&order=oldest&cursor=" + next, null);
      json(page, 200).forEach(node -> rest.add(node.get("correlationKey").asText()));
      next = page.headers().firstValue("X-Tandem-Next-Cursor").orElse(null);
    }
    assertThat(rest).containsExactly("conv-on-recorder", "conv-fallback");
    assertThat(json(get("/api/interactions?participant=ALICE&complete=false", null), 200))
        .extracting(node -> node.get("correlationKey").asText()).isEmpty();
    assertThat(json(get("/api/interactions?participant=alice&callRole=slave&minDuration=5&maxDuration=5", null), 200))
        .extracting(node -> node.get("correlationKey").asText()).containsExactly("conv-fallback", "conv-unreachable");
  }

  @Test
  void malformedSearchParametersAre400NamingTheParameterAndTheFormExpected() throws Exception {
    assertThat(error("/api/interactions?serial=12")).contains("'serial'", "six digits", "'12'");
    assertThat(error("/api/interactions?callRole=boss")).contains("'callRole'", "MASTER or SLAVE");
    assertThat(error("/api/interactions?minDuration=-1")).contains("'minDuration'", "whole number of seconds");
    assertThat(error("/api/interactions?minDuration=9&maxDuration=3")).contains("'minDuration' must not be above");
    assertThat(error("/api/interactions?complete=yes")).contains("'complete'", "true or false");
    assertThat(error("/api/interactions?quirks=1")).contains("'quirks'", "true or false");
    assertThat(error("/api/interactions?order=random")).contains("'order'", "newest or oldest");
    assertThat(error("/api/interactions?cursor=abc")).contains("'cursor'", "X-Tandem-Next-Cursor");
    assertThat(error("/api/interactions?participants=alice")).contains("unknown search parameter participants",
        "participant,");
  }

  private static String error(String path) throws Exception {
    return json(get(path, null), 400).get("error").asText();
  }

  @Test
  void malformedParametersAre400NamingTheParameter() throws Exception {
    assertThat(json(get("/api/interactions?from=yesterday", null), 400).get("error").asText())
        .contains("'from'", "ISO-8601");
    assertThat(json(get("/api/interactions?to=2026-13-01", null), 400).get("error").asText()).contains("'to'");
    assertThat(json(get("/api/interactions?limit=0", null), 400).get("error").asText()).contains("'limit'");
    assertThat(json(get("/api/interactions?limit=100001", null), 400).get("error").asText()).contains("'limit'");
    assertThat(json(get("/api/interactions/abc", null), 400).get("error").asText()).contains("id");
  }

  @Test
  void oneInteractionCarriesItsParticipants() throws Exception {
    JsonNode interaction = json(get("/api/interactions/" + archivedId, null), 200);

    assertThat(interaction.get("participants").get(0).get("aor").asText()).isEqualTo("sip:alice@example.com");
  }

  @Test
  void unknownInteractionAndUnknownRouteAre404Json() throws Exception {
    assertThat(json(get("/api/interactions/999999", null), 404).get("error").asText()).contains("999999");
    assertThat(json(get("/api/nothing-here", null), 404).get("error").asText()).contains("/api/nothing-here");
  }

  @Test
  void archivedMediaIsServedWhole() throws Exception {
    HttpResponse<byte[]> answer = get("/api/interactions/" + archivedId + "/media", null);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("audio/wav"));
    assertThat(answer.headers().firstValue("Accept-Ranges")).contains("bytes");
    assertThat(answer.headers().firstValue("X-Tandem-Inum")).contains("500000000000001");
    assertThat(answer.body()).isEqualTo(ARCHIVED);
  }

  @Test
  void archivedMediaRangeReturnsExactlyTheAskedBytes() throws Exception {
    HttpResponse<byte[]> answer = get("/api/interactions/" + archivedId + "/media", "bytes=1000-1999");

    assertThat(answer.statusCode()).isEqualTo(206);
    assertThat(answer.headers().firstValue("Content-Range")).contains("bytes 1000-1999/50000");
    assertThat(answer.headers().firstValue("Content-Length")).contains("1000");
    assertThat(answer.body()).isEqualTo(Arrays.copyOfRange(ARCHIVED, 1000, 2000));
  }

  @Test
  void archivedMediaRangePastTheEndIs416() throws Exception {
    HttpResponse<byte[]> answer = get("/api/interactions/" + archivedId + "/media", "bytes=50000-");

    assertThat(answer.statusCode()).isEqualTo(416);
    assertThat(answer.headers().firstValue("Content-Range")).contains("bytes */50000");
  }

  @Test
  void mediaNotArchivedIsRelayedFromTheRecorderWithTheRange() throws Exception {
    HttpResponse<byte[]> answer = get("/api/interactions/" + onRecorderId + "/media", "bytes=-100");

    assertThat(answer.statusCode()).isEqualTo(206);
    assertThat(recorder.lastMediaPath).isEqualTo("/api/calls/500000000000002/media");
    assertThat(recorder.lastRangeAsked).isEqualTo("bytes=-100");
    assertThat(answer.headers().firstValue("Content-Range")).contains("bytes 39900-39999/40000");
    assertThat(answer.body()).isEqualTo(Arrays.copyOfRange(ON_RECORDER, 39_900, 40_000));
  }

  @Test
  void unreachableRecorderIs502() throws Exception {
    assertThat(json(get("/api/interactions/" + unreachableId + "/media", null), 502).get("error").asText())
        .contains("cannot be reached");
  }

  @Test
  void whenTheBestCopysRecorderIsUnreachableTheNextCopyIsServedAndNamed() throws Exception {
    JsonNode interaction = json(get("/api/interactions/" + fallbackId, null), 200);
    assertThat(interaction.get("bestInum").asText()).as("the best copy is the unreachable recorder's")
        .isEqualTo("500001000000002");

    HttpResponse<byte[]> answer = get("/api/interactions/" + fallbackId + "/media", "bytes=-100");

    assertThat(answer.statusCode()).isEqualTo(206);
    assertThat(answer.headers().firstValue("X-Tandem-Inum")).contains("500000000000003");
    assertThat(recorder.lastMediaPath).isEqualTo("/api/calls/500000000000003/media");
    assertThat(answer.headers().firstValue("Content-Range")).contains("bytes 39900-39999/40000");
    assertThat(answer.body()).isEqualTo(Arrays.copyOfRange(ON_RECORDER, 39_900, 40_000));
  }

  @Test
  void oneGivenCopyIsServedOrRefusedWithoutFallingBack() throws Exception {
    HttpResponse<byte[]> reachable = get("/api/interactions/" + fallbackId + "/copies/500000000000003/media", null);
    assertThat(reachable.statusCode()).isEqualTo(200);
    assertThat(reachable.headers().firstValue("X-Tandem-Inum")).contains("500000000000003");
    assertThat(reachable.body()).isEqualTo(ON_RECORDER);

    assertThat(json(get("/api/interactions/" + fallbackId + "/copies/500001000000002/media", null), 502)
        .get("error").asText()).contains("500001000000002", "cannot be reached");
    assertThat(json(get("/api/interactions/" + fallbackId + "/copies/500000000000001/media", null), 404)
        .get("error").asText()).contains("has no copy 500000000000001");
    assertThat(json(get("/api/interactions/" + fallbackId + "/copies/12345/media", null), 400)
        .get("error").asText()).contains("15 digits", "'12345'");
  }

  @Test
  void theCallDatabasesMonthsAreListedWithTheirSizesAndTheLastRoundOfTheActingManager() throws Exception {
    // The Manager acts at once here (one Manager, its lease free); its first round of the months runs within a tick.
    JsonNode answer = json(get("/api/call-months", null), 200);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (answer.get("lastRound").isNull() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      answer = json(get("/api/call-months", null), 200);
    }

    assertThat(answer.get("retentionDays").isNull()).as("every call kept by default").isTrue();
    assertThat(answer.get("monthsAhead").asInt()).isEqualTo(3);
    String thisMonth = io.tandem.database.CallMonths.monthOf(Instant.now()).name();
    List<String> months = new ArrayList<>();
    answer.get("months").forEach(month -> months.add(month.get("month").asText()));
    assertThat(months).contains(thisMonth, java.time.YearMonth.parse(thisMonth).plusMonths(3).toString());
    assertThat(answer.get("months").get(0).get("bytes").asLong()).as("a month's four tables and their indexes")
        .isPositive();
    JsonNode last = answer.get("lastRound");
    assertThat(last.isNull()).as("the acting Manager ran a round").isFalse();
    assertThat(last.get("cutoff").isNull()).isTrue();
    assertThat(last.get("dropped")).isEmpty();
    assertThat(error("/api/call-months?month=2026-12")).contains("unknown parameter 'month'");
  }

  @Test
  void eventsAreListedOldestFirst() throws Exception {
    JsonNode events = json(get("/api/events", null), 200);

    assertThat(events.get(0).get("type").asText()).isEqualTo("RECORDER_UP");
    assertThat(events.get(0).get("pair").asText()).isEqualTo("pair-m");
    assertThat(events.get(0).get("details").get("serial").asText()).isEqualTo("500000");
  }

  @Test
  void theEventLogComesAPageAtATimeOldestFirstAndBadPagingIsRefused() throws Exception {
    for (int i = 0; i < 5; i++) {
      database.appendEvent("GAP", "pair-paged", Map.of("n", i));
    }
    List<Long> logged = database.events().stream().map(EventView::id).toList();

    List<Long> walked = new ArrayList<>();
    String next = "/api/events?after=0&limit=2";
    while (next != null) {
      HttpResponse<byte[]> page = get(next, null);
      JsonNode events = json(page, 200);
      assertThat(events.size()).isBetween(0, 2);
      events.forEach(event -> walked.add(event.get("id").asLong()));
      next = page.headers().firstValue("Link").map(link -> link.substring(1, link.indexOf('>'))).orElse(null);
      assertThat(walked.size()).as("events walked").isLessThan(logged.size() + 10);
    }
    assertThat(walked).as("every event, by its Link pages").startsWith(logged.toArray(Long[]::new)).isSorted();

    List<Long> newest = new ArrayList<>();
    json(get("/api/events?limit=3", null), 200).forEach(event -> newest.add(event.get("id").asLong()));
    assertThat(newest).hasSize(3).isSorted();
    assertThat(newest.getFirst()).as("the newest three").isGreaterThanOrEqualTo(logged.get(logged.size() - 3));

    assertThat(json(get("/api/events?after=-1", null), 400).get("error").asText()).contains("'after'", "'-1'");
    assertThat(json(get("/api/events?after=ten", null), 400).get("error").asText()).contains("'after'", "'ten'");
    assertThat(json(get("/api/events?limit=0", null), 400).get("error").asText()).contains("'limit'", "10000");
    assertThat(json(get("/api/events?limit=10001", null), 400).get("error").asText()).contains("'limit'", "'10001'");
    assertThat(json(get("/api/events?since=5", null), 400).get("error").asText())
        .contains("unknown parameter 'since'", "'after' and 'limit'");
  }

  @Test
  void metricsAreInPrometheusText() throws Exception {
    get("/health", null);

    String text = new String(get("/metrics", null).body());

    assertThat(text).contains("tandem_interactions 4.0", "tandem_recorders_healthy", "http_server_requests_seconds_count");
    get("/api/interactions/" + archivedId + "/media", "bytes=0-9");
    assertThat(new String(get("/metrics", null).body())).containsPattern("tandem_replay_requests_total\\{range=\"yes\"\\} [1-9]");
  }

  @Test
  void metricsShowEachPairsEpochAndEachRecordersHealthAndRole() throws Exception {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(new String(get("/metrics", null).body()))
        .contains("tandem_pair_epoch{pair=\"pair-m\"} 1.0",
            "tandem_recorder_healthy{pair=\"pair-m\",position=\"MAIN\",serial=\"500000\"} 1.0",
            "tandem_recorder_healthy{pair=\"pair-m\",position=\"BACKUP\",serial=\"500001\"} 0.0",
            "tandem_recorder_primary{pair=\"pair-m\",position=\"MAIN\",serial=\"500000\"} 1.0",
            "tandem_recorder_primary{pair=\"pair-m\",position=\"BACKUP\",serial=\"500001\"} 0.0"));
    // A health interval of 100 ms and 3 misses: a silence of 75 ms, up to four times that after slow beats.
    String text = new String(get("/metrics", null).body());
    for (String position : List.of("MAIN", "BACKUP")) {
      Matcher allowed = Pattern.compile("tandem_recorder_silence_allowed_seconds\\{pair="
          + "\"pair-m\",position=\"" + position + "\",serial=\"[0-9]+\"} ([0-9.E-]+)").matcher(text);
      assertThat(allowed.find()).as("the silence allowed to the " + position).isTrue();
      assertThat(Double.parseDouble(allowed.group(1))).isBetween(0.075, 0.3);
    }
  }

  @Test
  void theConsoleIsServedWithTheLibrariesItLoads() throws Exception {
    HttpResponse<byte[]> root = get("/", null);
    assertThat(root.statusCode()).isBetween(301, 303);
    assertThat(root.headers().firstValue("Location")).contains("/console/index.html");

    HttpResponse<byte[]> page = get("/console/index.html", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    String html = new String(page.body());
    assertThat(html).contains("console.js", "/webjars/uplot/", "/webjars/wavesurfer.js/");
    for (String asset : List.of("/console/console.js", "/console/console.css",
        "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "/webjars/wavesurfer.js/5.1.0/dist/wavesurfer.min.js")) {
      HttpResponse<byte[]> answer = get(asset, null);
      assertThat(answer.statusCode()).as(asset).isEqualTo(200);
      assertThat(answer.body().length).as(asset).isGreaterThan(500);
    }
  }

  @Test
  void callsPerMinuteArePerRecorderOverTheAskedMinutes() throws Exception {
    JsonNode chart = json(get("/api/stats/calls-per-minute?minutes=5", null), 200);
    assertThat(chart.get("minutes")).hasSize(5);
    assertThat(chart.get("minutes").get(1).asLong() - chart.get("minutes").get(0).asLong()).isEqualTo(60);
    // The test's calls started in 2026, long before the last five minutes.
    assertThat(chart.get("recorders").size()).isZero();
    assertThat(json(get("/api/stats/calls-per-minute?minutes=0", null), 400).get("error").asText())
        .contains("'minutes'", "1 to 1440");
  }

  @Test
  void reprocessIsAJobReadThroughFromTheRecorder() throws Exception {
    JsonNode started = json(post("/api/reprocess", "{\"serial\":\"500000\",\"from\":\"2026-11-26T00:00:00Z\","
        + "\"to\":\"2026-11-27T00:00:00Z\"}"), 202);

    JsonNode job = json(get("/api/jobs/" + started.get("id").asText(), null), 200);
    assertThat(job.get("state").asText()).isEqualTo("RUNNING");
    assertThat(job.get("progress").get("total").asLong()).isEqualTo(10);
    assertThat(fieldNames(job)).contains("id", "state", "progress", "summary");
  }

  @Test
  void reprocessRequestsAreCheckedAndRefusalsPassedOn() throws Exception {
    assertThat(json(post("/api/reprocess", "{\"serial\":\"500000\",\"from\":\"2026-11-26T00:00:00Z\"}"), 400)
        .get("error").asText()).isEqualTo("'to' is required");
    assertThat(json(post("/api/reprocess", "{\"serial\":\"777777\",\"from\":\"2026-11-26T00:00:00Z\","
        + "\"to\":\"2026-11-27T00:00:00Z\"}"), 404).get("error").asText()).contains("777777");
    assertThat(json(post("/api/reprocess", "{\"serial\":\"500001\",\"from\":\"2026-11-26T00:00:00Z\","
        + "\"to\":\"2026-11-27T00:00:00Z\"}"), 502).get("error").asText()).contains("unreachable");
    json(get("/api/jobs/unknown", null), 404);
  }

  @Test
  void aRebuildIsStartedOnTheChosenRecorderAndFollowedLikeAReprocess() throws Exception {
    JsonNode started = json(post("/api/rebuild", "{\"serial\":\"500000\",\"command\":\"Rebuild Fix true true\"}"),
        202);

    JsonNode job = json(get("/api/jobs/" + started.get("id").asText(), null), 200);
    assertThat(job.get("kind").asText()).isEqualTo("REBUILD");
    assertThat(job.get("serial").asText()).isEqualTo("500000");
    assertThat(Json.MAPPER.readTree(recorder.lastRebuildBody).get("command").asText()).isEqualTo("Rebuild Fix true true");
    assertThat(json(post("/api/rebuild", "{\"serial\":\"500000\",\"command\":\"Rebuild Half\"}"), 400)
        .get("error").asText()).contains("'command'", "Full or Fix");
    assertThat(json(post("/api/rebuild", "{\"serial\":\"500000\"}"), 400).get("error").asText())
        .isEqualTo("'command' is required");
  }

  @Test
  void policyChangesOnlyTheGivenFieldsAndAnswersThePair() throws Exception {
    try {
      JsonNode pair = json(put("/api/pairs/pair-m/policy",
          "{\"gapPolicy\":\"report\",\"rollbackWindowSeconds\":600,\"matchToleranceMillis\":750}"), 200);
      assertThat(pair.get("name").asText()).isEqualTo("pair-m");
      assertThat(pair.get("gapPolicy").asText()).isEqualTo("report");
      assertThat(pair.get("rollbackWindowSeconds").asLong()).isEqualTo(600);
      assertThat(pair.get("matchToleranceMillis").asInt()).isEqualTo(750);
      assertThat(pair.get("failbackPolicy").asText()).isEqualTo("never");
      assertThat(database.pairs().getFirst().gapPolicy()).isEqualTo("report");
      assertThat(database.pairs().getFirst().matchToleranceMillis()).isEqualTo(750);
    } finally {
      json(put("/api/pairs/pair-m/policy",
          "{\"gapPolicy\":\"promote\",\"rollbackWindowSeconds\":900,\"matchToleranceMillis\":2000}"), 200);
    }
  }

  @Test
  void badPolicyRequestsAre400NamingTheFieldAndUnknownPairsAre404() throws Exception {
    assertThat(json(put("/api/pairs/pair-m/policy", "{\"gapPolicy\":\"ignore\"}"), 400).get("error").asText())
        .isEqualTo("'gapPolicy' must be one of [report, promote], got \"ignore\"");
    assertThat(json(put("/api/pairs/pair-m/policy", "{\"failbackPolicy\":\"auto\"}"), 400).get("error").asText())
        .startsWith("'failbackPolicy' must be one of [never, manual]");
    assertThat(json(put("/api/pairs/pair-m/policy", "{\"rollbackWindowSeconds\":-1}"), 400).get("error")
        .asText()).startsWith("'rollbackWindowSeconds' must be a whole number of seconds");
    assertThat(json(put("/api/pairs/pair-m/policy", "{\"gap\":\"report\"}"), 400).get("error").asText())
        .startsWith("unknown field 'gap'");
    for (String tolerance : List.of("-1", "60001", "1.5", "\"2s\"")) {
      assertThat(json(put("/api/pairs/pair-m/policy", "{\"matchToleranceMillis\":" + tolerance + "}"), 400)
          .get("error").asText()).isEqualTo("'matchToleranceMillis' must be a whole number of milliseconds from 0"
          + " to 60000, got " + tolerance);
    }
    json(put("/api/pairs/pair-m/policy", "{}"), 400);
    assertThat(json(put("/api/pairs/no-such-pair/policy", "{\"gapPolicy\":\"report\"}"), 404).get("error")
        .asText()).isEqualTo("no pair no-such-pair");
    assertThat(database.pairs().getFirst().gapPolicy()).isEqualTo("promote");
    assertThat(database.pairs().getFirst().matchToleranceMillis()).isEqualTo(2000);
  }

  @Test
  void failbackOfAnUnknownPairIs404AndOneThePolicyForbidsIs409() throws Exception {
    assertThat(json(post("/api/pairs/no-such-pair/failback", ""), 404).get("error").asText())
        .isEqualTo("no pair 'no-such-pair'");
    assertThat(json(post("/api/pairs/pair-m/failback", ""), 409).get("error").asText())
        .isEqualTo("pair 'pair-m' has failback policy 'never'; a failback by hand needs 'manual'");
    assertThat(database.pairs().getFirst().epoch()).as("epoch after refused failbacks").isEqualTo(1);
  }

  @Test
  void aUserWhoseNameIsTakenIs409AndABadOneIs400() throws Exception {
    String ann = "{\"name\":\"ann-409\",\"role\":\"supervisor\",\"password\":\"correct horse battery\"}";
    json(post("/api/users", ann), 201);

    assertThat(json(post("/api/users", ann), 409).get("error").asText())
        .isEqualTo("a user named 'ann-409' exists already");
    assertThat(json(post("/api/users", "{\"name\":\"bob-400\",\"role\":\"supervisor\",\"password\":\"short\"}"),
        400).get("error").asText()).isEqualTo("'password' must be at least 12 characters");
  }

  private static boolean mainHealthy() throws Exception {
    return json(get("/api/pairs", null), 200).get(0).get("recorders").get(0).get("healthy").asBoolean();
  }

  private static HttpResponse<byte[]> get(String path, String range) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + manager.port() + path))
        .header("Authorization", "Bearer " + token);
    if (range != null) {
      request.header("Range", range);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> post(String path, String body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + manager.port() + path))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> put(String path, String body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + manager.port() + path))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> answer, int expectedStatus) throws Exception {
    assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(expectedStatus);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/json"));
    return Json.MAPPER.readTree(answer.body());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static long idOf(String key) throws Exception {
    return database.recentInteractions(10).stream().filter(i -> i.correlationKey().equals(key)).findFirst()
        .orElseThrow().id();
  }

  private static CallRecord call(int serial, long sequence, String key, long offsetSeconds) {
    return call(serial, sequence, key, offsetSeconds, CallState.COMPLETE);
  }

  private static CallRecord call(int serial, long sequence, String key, long offsetSeconds, CallState state) {
    Instant start = T0.plusSeconds(offsetSeconds);
    return new CallRecord(Inum.of(serial, sequence), key, start, start.plusSeconds(5),
        serial == 500_000 ? CallRole.MASTER : CallRole.SLAVE, state,
        List.of(new Participant("p1", "sip:alice@example.com", "Alice")), List.of(),
        new MediaStats(250, 0, 40_000, 5000), "media/" + sequence + ".wav");
  }

  private static byte[] randomBytes(long seed, int length) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
