package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.admin.JobKind;
import io.tandem.admin.JobState;
import io.tandem.admin.JobView;
import io.tandem.admin.RecorderClient;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.MediaStats;
import io.tandem.call.Position;
import io.tandem.callbuffer.DiskFloor;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API's job routes on a real recorder, with its call database and with the database out of reach. */
class RecorderJobRoutesTest {
  /** The Recorder Manager's credential, which these requests carry. */
  private static final String SECRET = "the-manager-secret-of-this-test-0123456789";
  private static EmbeddedDatabase postgres;

  @BeforeAll
  static void startDatabase(@TempDir Path directory) throws Exception {
    postgres = EmbeddedDatabase.start(directory, 0);
    try (CallDatabase database = CallDatabase.connect(postgres.config(2))) {
      database.migrate();
    }
  }

  @AfterAll
  static void stopDatabase() {
    postgres.close();
  }

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;
  private Recorder recorder;

  @AfterEach
  void stopRecorder() {
    if (recorder != null) {
      recorder.stop();
    }
  }

  private void startRecorder(String databaseUrl) throws Exception {
    recorder = new Recorder(new RecorderConfig(654321, null, "pair-r", Position.BACKUP, dataDir, ZoneId.of("UTC"),
        "127.0.0.1", 0, "127.0.0.1", 0, 40_000, 40_100, 1, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(60),
        Duration.ofDays(30), Long.MAX_VALUE, DiskFloor.DEFAULT, Duration.ofSeconds(60),
        databaseUrl, "postgres", "", "").withManagerSecret(SECRET),
        Clock.systemUTC()).start();
  }

  @Test
  void aRebuildWhoseAuditRowCannotBeWrittenIsRefusedAndNothingRuns() throws Exception {
    startRecorder("jdbc:postgresql://127.0.0.1:1/tandem");
    var call = recorder.buffer().begin("conversation-x", T0, CallRole.SLAVE, List.of(), List.of());
    recorder.buffer().finish(call.inum(), T0.plusSeconds(1), CallState.COMPLETE, MediaStats.NONE);

    HttpResponse<String> refused = post("/api/rebuild", "{\"command\":\"Rebuild Fix true true\"}");

    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(Json.MAPPER.readTree(refused.body()).get("error").asText()).startsWith("the call database is "
        + "unavailable, so the request could not be checked or audited; nothing was done");
    assertThat(get("/api/jobs")).isEmpty();
    assertThat(recorder.workflow().counts().values().stream().mapToLong(Long::longValue).sum()).isZero();
  }

  @Test
  void rebuildFixRunsAsAJobThatEndsWithItsSummary() throws Exception {
    startRecorder(postgres.jdbcUrl());
    for (int i = 0; i < 3; i++) {
      var call = recorder.buffer().begin("conversation-" + i, T0.plusSeconds(i), CallRole.SLAVE, List.of(), List.of());
      recorder.buffer().finish(call.inum(), T0.plusSeconds(i + 1), CallState.COMPLETE, MediaStats.NONE);
    }

    HttpResponse<String> started = post("/api/rebuild", "{\"command\":\"Rebuild Fix true true\","
        + "\"actor\":\"ann@desk\"}");

    assertThat(started.statusCode()).isEqualTo(202);
    String id = Json.MAPPER.readTree(started.body()).get("id").asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> "DONE".equals(get("/api/jobs/" + id).get("state").asText()));
    JsonNode job = get("/api/jobs/" + id);
    assertThat(job.get("kind").asText()).isEqualTo("REBUILD");
    assertThat(job.get("command").asText()).isEqualTo("Rebuild Fix true true");
    assertThat(job.get("summary").asText()).startsWith("Rebuild Fix done: scanned 3, matched 3, added 3, "
        + "already present 0, in ");
    assertThat(job.get("progress").get("total").asLong()).isEqualTo(3);
    // Promoted, so even this secondary consolidates them (and fails them: the test wrote no media).
    assertThat(recorder.workflow().counts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
    assertThat(get("/api/jobs").get(0).get("id").asText()).isEqualTo(id);
  }

  @Test
  void aJobShowsTheStartsOfTheCallsItMayMarkForRetention() throws Exception {
    startRecorder(postgres.jdbcUrl());
    RecorderClient client = RecorderClient.of(URI.create(recorder.adminUrl()), Duration.ofSeconds(5), null, SECRET);
    Instant from = Instant.parse("2025-01-10T08:00:00Z");
    Instant to = Instant.parse("2025-01-10T10:00:00Z");

    JobView reprocess = client.reprocess(from, to, "ann@desk");
    await().atMost(Duration.ofSeconds(10)).until(() -> client.job(reprocess.id()).orElseThrow().ended());
    HttpResponse<String> rebuild = post("/api/rebuild", "{\"command\":\"Rebuild Fix true true\"}");
    assertThat(rebuild.statusCode()).isEqualTo(202);

    List<JobView> jobs = client.jobs();
    assertThat(jobs).extracting(JobView::kind).containsExactly(JobKind.REBUILD, JobKind.REPROCESS);
    JobView reprocessed = jobs.get(1);
    assertThat(reprocessed.callsFrom()).isEqualTo(from);
    assertThat(reprocessed.callsTo()).isEqualTo(to);
    assertThat(jobs.get(0).callsFrom()).as("a Rebuild's calls may start at any time").isNull();
    assertThat(jobs.get(0).callsTo()).isNull();
    // Ended, the reprocess marks nothing more; running, it marks only its range.
    assertThat(reprocessed.mayMarkCallsStarting(from, to)).isFalse();
    JobView running = new JobView("r", JobKind.REPROCESS, "", JobState.RUNNING, null, null, null,
        null, null, from, to);
    assertThat(running.mayMarkCallsStarting(Instant.parse("2025-01-01T00:00:00Z"),
        Instant.parse("2025-01-31T23:59:59Z"))).isTrue();
    assertThat(running.mayMarkCallsStarting(to, Instant.parse("2025-02-28T00:00:00Z")))
        .as("a month that starts where the range ends").isFalse();
  }

  @Test
  void badRequestsAndUnknownJobsAreAnsweredWithJsonErrors() throws Exception {
    startRecorder(postgres.jdbcUrl());
    HttpResponse<String> bad = post("/api/reprocess", "{\"from\":\"2026-11-26T00:00:00Z\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(bad.body()).get("error").asText()).isEqualTo("'to' is required");

    HttpResponse<String> unknown = CLIENT.send(HttpRequest.newBuilder(uri("/api/jobs/nope")).header("Authorization", "Bearer " + SECRET).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(unknown.body()).get("error").asText()).startsWith("no job nope");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + SECRET).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) throws Exception {
    return Json.MAPPER.readTree(CLIENT.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + SECRET).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private URI uri(String path) {
    return URI.create(recorder.adminUrl() + path);
  }
}
