package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.access.AccessRole;
import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.Fence;
import io.tandem.database.RecorderRegistration;
import io.tandem.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Manager reads time from the one clock it is given, through its call database: a test can move it. */
class ManagerClockTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final Instant CALLS = Instant.parse("2026-11-26T14:30:00Z");
  /** The Manager's "now": 40 minutes after the calls, however late the test runs. */
  private static final Instant NOW = CALLS.plus(Duration.ofMinutes(40));

  @TempDir
  static Path files;
  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private static ManagerAssembly manager;
  private static String token;

  @BeforeAll
  static void startManager() throws Exception {
    server = EmbeddedDatabase.start(files.resolve("database"), 0);
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), NOW));
    database = CallDatabase.connect(server.config(4), clock);
    database.migrate();
    token = database.credentials().addToken("test-admin", AccessRole.ADMIN, "the test").token();
    database.register(new RecorderRegistration(510_000, "pair-c", Position.MAIN, "http://127.0.0.1:9",
        "127.0.0.1:15070"));
    database.mark(new Fence(510_000, 1), List.of(call(1, 0), call(2, 20), call(3, 70)));
    manager = new ManagerAssembly(new ManagerConfig("127.0.0.1", 0, server.jdbcUrl(), "postgres", "",
        Duration.ofSeconds(5), 3), database);
    manager.start();
  }

  @AfterAll
  static void stopManager() {
    manager.stop();
    database.close();
    server.close();
  }

  @Test
  void callsPerMinuteCountsBackFromTheManagersClock() throws Exception {
    JsonNode chart = get("/api/stats/calls-per-minute?minutes=60");

    List<Long> minutes = new ArrayList<>();
    chart.get("minutes").forEach(minute -> minutes.add(minute.asLong()));
    assertThat(minutes.getLast()).as("the last minute charted").isBetween(NOW.getEpochSecond() - 60,
        NOW.getEpochSecond() + 120);
    List<Long> counts = new ArrayList<>();
    chart.get("recorders").get("510000").forEach(count -> counts.add(count.asLong()));
    assertThat(counts.get(minutes.indexOf(CALLS.getEpochSecond()))).as("calls of the first minute").isEqualTo(2);
    assertThat(counts.get(minutes.indexOf(CALLS.getEpochSecond() + 60))).as("calls of the next").isEqualTo(1);
  }

  @Test
  void theAuditIsStampedWithTheManagersClock() throws Exception {
    HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/api/reprocess")).POST(
        HttpRequest.BodyPublishers.ofString("{\"serial\":\"777777\",\"from\":\"2026-11-26T00:00:00Z\","
            + "\"to\":\"2026-11-27T00:00:00Z\"}")));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);

    List<Instant> stamps = new ArrayList<>();
    get("/api/audit").forEach(row -> {
      if (row.get("action").asText().equals("reprocess")) {
        stamps.add(Instant.parse(row.get("at").asText()));
      }
    });
    assertThat(stamps).singleElement().satisfies(at -> assertThat(at).isBetween(NOW.minusSeconds(60),
        NOW.plusSeconds(120)));
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> answer = send(HttpRequest.newBuilder(uri(path)));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return Json.MAPPER.readTree(answer.body());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + manager.port() + path);
  }

  private static CallRecord call(long sequence, long offsetSeconds) {
    Instant start = CALLS.plusSeconds(offsetSeconds);
    return new CallRecord(Inum.of(510_000, sequence), "conv-" + sequence, start, start.plusSeconds(5),
        CallRole.MASTER, CallState.COMPLETE, List.of(new Participant("p1", "sip:alice@example.com", "Alice")),
        List.of(), new MediaStats(250, 0, 40_000, 5000), "media/" + sequence + ".wav");
  }
}
