package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.archive.FilesystemArchive;
import io.tandem.call.Inum;
import io.tandem.callbuffer.LocalStore;
import io.tandem.json.Json;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.ConversationSent;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the Main while it consolidates, then restart: first cut in the middle of a reprocess job, then in the
 * middle of an archive copy. Each crash is shown to have landed mid-job, and after the restart every conversation
 * has exactly one interaction with the Main's copy marked as its best, and every call is archived once, byte for
 * byte as its buffer holds it. The RRC's health interval is an hour, so the Main stays primary through its
 * crashes; the Backup's gap audit waits a week, so only the Main marks. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsolidationCrashTest {
  private static final int MAIN = 375_001;
  private static final int BACKUP = 375_002;
  private static final int EACH_BATCH = 10;
  /**
   * Calls of the Backup's role written into the Main's buffer between the two batches: a reprocess scans them
   * (50 pages) but has no Workflow entry of theirs to move, so the job lasts long enough to be cut between the
   * first batch's page and the second's.
   */
  private static final int BETWEEN = 500_000;
  private static final long BIG_MEDIA_BYTES = 160L << 20;
  private static final DateTimeFormatter COMMAND_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
      .withZone(ZoneOffset.UTC);

  @TempDir
  static Path root;

  static PairFixture pair;
  static final List<ConversationSent> sent = new ArrayList<>();

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, MAIN, BACKUP, 8_000, false, "1h", Map.of("gap.grace", "7d"));
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void aReprocessCutByKillMinus9IsResumedAndMarksEveryConversationOnce() throws Exception {
    Instant before = Instant.now();
    // Every order to a recorder is audited in the call database first, so the database stays up: the calls are
    // marked as they end, and the Rebuild Full below takes them all back to await the reprocess.
    List<ConversationSent> first = record();
    Instant betweenFrom = Instant.now().minusMillis(500);
    writeCallsBetween(betweenFrom);
    List<ConversationSent> second = record();
    awaitWorkflowDone(2 * EACH_BATCH);
    JsonNode full = rebuild("Rebuild Full true false");
    assertThat(full.get("progress").get("added").asLong()).isEqualTo(2 * EACH_BATCH);
    assertThat(workflow().path("AWAITING_REPROCESS").asLong()).as("every call awaits the reprocess")
        .isEqualTo(2 * EACH_BATCH);

    String id = reprocess(before.minusSeconds(60), Instant.now().plusSeconds(60));
    JsonNode cut = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
      JsonNode job = PairFixture.getJson(pair.managerUrl() + "/api/jobs/" + id);
      if (!"RUNNING".equals(job.get("state").asText())) {
        throw new AssertionError("the reprocess ended before it could be cut between its batches: " + job);
      }
      return job;
    }, job -> job.get("progress").get("matched").asLong() >= EACH_BATCH
        && job.get("progress").get("scanned").asLong() <= job.get("progress").get("total").asLong() / 2);
    pair.main.kill9();
    pair.main.start();
    System.out.printf("reprocess crash: cut at %s%n", cut.get("progress"));

    JsonNode afterCrash = PairFixture.getJson(pair.managerUrl() + "/api/jobs/" + id);
    assertThat(afterCrash.get("state").asText()).as("%s", afterCrash).isEqualTo("FAILED");
    assertThat(afterCrash.get("error").asText()).contains("reprocessing the range again is safe");
    assertThat(workflow().path("AWAITING_REPROCESS").asLong()).as("the second batch, which the cut job never reached")
        .isEqualTo(EACH_BATCH);
    assertThat(workflow().path("DONE").asLong()).as("only the first batch was marked again before the cut")
        .isEqualTo(EACH_BATCH);

    JsonNode resumed = awaitJob(reprocess(before.minusSeconds(60), Instant.now().plusSeconds(60)));
    assertThat(resumed.get("progress").get("matched").asLong()).isEqualTo(2 * EACH_BATCH);
    assertThat(resumed.get("progress").get("total").asLong()).isEqualTo(2 * EACH_BATCH + BETWEEN);
    sent.addAll(first);
    sent.addAll(second);
    awaitWorkflowDone(2 * EACH_BATCH);
    assertEveryConversationOnceWithTheMainsCopyBest();
  }

  @Test
  @Order(2)
  void anArchiveCopyCutByKillMinus9IsNeverTakenAsArchivedAndIsMadeWholeOnce() throws Exception {
    Instant start = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Inum big = writeBigCall(start);
    Path source = pair.main.dataDir.resolve(mediaPath(big));
    Path folder = pair.archive.resolve(DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC)
        .format(start));
    Path target = folder.resolve(big + ".wav");
    Path partial = folder.resolve("." + big + ".wav.part");

    rebuild("Rebuild Fix true false " + COMMAND_TIME.format(start) + " " + COMMAND_TIME.format(start.plusSeconds(1)));
    // The copy of 160 MiB lasts a second or more (two checksums, the bytes, a sync): a 1 ms poll finds it under way.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> Files.exists(partial));
    pair.main.kill9();
    long partialBytes = Files.size(partial);
    System.out.printf("archive crash: cut with %d of %d bytes in the partial copy%n", partialBytes,
        Files.size(source));
    assertThat(target).as("the copy was cut before it was put in place").doesNotExist();
    assertThat(archived(big)).as("no ledger record of a cut copy").isNull();

    pair.main.start();
    awaitWorkflowDone(2 * EACH_BATCH + 1);
    ArchivedRow row = archived(big);
    assertThat(row).isNotNull();
    assertThat(Path.of(row.location())).isEqualTo(target.toAbsolutePath());
    assertThat(row.sha256()).isEqualTo(FilesystemArchive.sha256(source));
    assertThat(row.bytes()).isEqualTo(Files.size(source));
    assertThat(Files.mismatch(target, source)).as("archived byte for byte").isEqualTo(-1L);
    try (Stream<Path> left = Files.list(folder)) {
      assertThat(left.map(path -> path.getFileName().toString())).as("no partial copy left")
          .noneMatch(name -> name.endsWith(".part"));
    }
    assertEveryCallArchivedOnce();
  }

  /** Every conversation has one interaction whose best copy is the Main's, marked and complete. */
  private static void assertEveryConversationOnceWithTheMainsCopyBest() throws Exception {
    Map<String, List<JsonNode>> byKey = new HashMap<>();
    for (JsonNode interaction : interactions()) {
      byKey.computeIfAbsent(interaction.get("correlationKey").asText(), key -> new ArrayList<>()).add(interaction);
    }
    for (ConversationSent conversation : sent) {
      assertThat(byKey.get(conversation.sessionId())).as("interactions of %s", conversation.sessionId()).hasSize(1);
      JsonNode best = ConversationTally.best(byKey.get(conversation.sessionId()).getFirst());
      assertThat(best.get("serial").asText()).isEqualTo(Integer.toString(MAIN));
      assertThat(best.get("marked").asBoolean()).isTrue();
      assertThat(best.get("complete").asBoolean()).isTrue();
    }
  }

  /** Every call of the Main that was marked has one archived copy, byte for byte its buffer's file. */
  private static void assertEveryCallArchivedOnce() throws Exception {
    List<String> inums = new ArrayList<>();
    for (JsonNode interaction : interactions()) {
      for (JsonNode copy : interaction.get("copies")) {
        if (copy.get("serial").asText().equals(Integer.toString(MAIN))) {
          inums.add(copy.get("inum").asText());
        }
      }
    }
    assertThat(inums).hasSize(2 * EACH_BATCH + 1);
    for (String inum : inums) {
      ArchivedRow row = archived(Inum.parse(inum));
      assertThat(row).as("archived copy of %s", inum).isNotNull();
      assertThat(Files.mismatch(Path.of(row.location()), pair.main.dataDir.resolve(mediaPath(Inum.parse(inum)))))
          .as("archived copy of %s against its buffer's file", inum).isEqualTo(-1L);
    }
  }

  /** Ten one-second conversations forked to both recorders. */
  private static List<ConversationSent> record() {
    SimulationReport report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), EACH_BATCH, 5,
        Duration.ofSeconds(1), "udp", 0)).run();
    assertThat(report.failures()).isZero();
    return report.conversations();
  }

  /**
   * Calls of the Backup's role, one a microsecond from {@code from}, written into the running Main's buffer as a
   * buffer that once recorded as secondary holds them; never in its Workflow.
   */
  private static void writeCallsBetween(Instant from) {
    long first = from.getEpochSecond() * 1_000_000_000L + from.getNano();
    try (LocalStore store = LocalStore.open(pair.main.dataDir.resolve("buffer.db"))) {
      store.transaction(c -> {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO calls (inum, correlation_key, start_nanos,"
            + " end_nanos, call_role, state, participants, streams, packets_received, packets_lost, media_bytes,"
            + " duration_millis, media_path) VALUES (?, ?, ?, ?, 'SLAVE', 'COMPLETE', '[]', '[]', 50, 0, 16000,"
            + " 1000, ?)")) {
          for (int i = 0; i < BETWEEN; i++) {
            // Sequences far above what the running recorder allocates, so they never meet.
            Inum inum = Inum.of(MAIN, 500_000_000L + i);
            insert.setLong(1, inum.value());
            insert.setString(2, "between-" + i);
            insert.setLong(3, first + i * 1000L);
            insert.setLong(4, first + i * 1000L + 1_000_000_000L);
            insert.setString(5, "calls/between/" + inum + ".wav");
            insert.addBatch();
          }
          insert.executeBatch();
        }
        return null;
      });
    }
  }

  /**
   * A call of the Main's role with a WAV of {@link #BIG_MEDIA_BYTES} (a long two-channel call), written into the
   * running Main's buffer as a copy of one of its calls, so that archiving it takes long enough to be cut.
   */
  private static Inum writeBigCall(Instant start) throws Exception {
    Inum big = Inum.of(MAIN, 600_000_000L);
    String mediaPath = "calls/big/" + big + ".wav";
    writeWav(pair.main.dataDir.resolve(mediaPath));
    long startNanos = start.getEpochSecond() * 1_000_000_000L;
    long durationMillis = BIG_MEDIA_BYTES / (2 * 2 * 8);
    Inum model = Inum.parse(interactions().get(0).get("bestInum").asText());
    try (LocalStore store = LocalStore.open(pair.main.dataDir.resolve("buffer.db"))) {
      store.transaction(c -> {
        try (Statement statement = c.createStatement()) {
          statement.execute("CREATE TEMP TABLE big AS SELECT * FROM calls WHERE inum = " + model.value());
          statement.execute("UPDATE big SET inum = " + big.value() + ", correlation_key = 'archive-big', start_nanos = "
              + startNanos + ", end_nanos = " + (startNanos + durationMillis * 1_000_000L) + ", media_bytes = "
              + BIG_MEDIA_BYTES + ", duration_millis = " + durationMillis + ", media_path = '" + mediaPath + "'");
          assertThat(statement.executeUpdate("INSERT INTO calls SELECT * FROM big")).isEqualTo(1);
          statement.execute("DROP TABLE big");
        }
        return null;
      });
    }
    return big;
  }

  /** A two-channel 8 kHz 16-bit WAV of {@link #BIG_MEDIA_BYTES} data bytes, each MiB different. */
  private static void writeWav(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    header.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + BIG_MEDIA_BYTES))
        .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
        .putShort((short) 2).putInt(8000).putInt(8000 * 4).putShort((short) 4).putShort((short) 16)
        .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) BIG_MEDIA_BYTES).flip();
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      out.write(header);
      ByteBuffer mib = ByteBuffer.allocate(1 << 20);
      for (int i = 0; i < BIG_MEDIA_BYTES >> 20; i++) {
        mib.clear();
        for (int j = 0; j < mib.capacity(); j += 4) {
          mib.putInt(j, i * 31 + j);
        }
        out.write(mib);
      }
    }
  }

  private record ArchivedRow(String location, String sha256, long bytes) {}

  /** The call database's record of the call's archived copy, or null. */
  private static ArchivedRow archived(Inum inum) throws Exception {
    try (Connection connection = DriverManager.getConnection(pair.postgres.jdbcUrl());
        PreparedStatement query = connection.prepareStatement(
            "SELECT location, sha256, bytes FROM archived_copies WHERE inum = ?")) {
      query.setLong(1, inum.value());
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? new ArchivedRow(rows.getString(1), rows.getString(2), rows.getLong(3)) : null;
      }
    }
  }

  private static String mediaPath(Inum inum) throws Exception {
    return PairFixture.getJson(pair.main.adminUrl() + "/api/calls/" + inum).get("mediaPath").asText();
  }

  private static JsonNode rebuild(String command) throws Exception {
    HttpResponse<String> response = PairFixture.HTTP.send(HttpRequest.newBuilder(
        URI.create(pair.main.adminUrl() + "/api/rebuild")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"" + command + "\",\"actor\":\"test\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    String id = Json.MAPPER.readTree(response.body()).get("id").asText();
    JsonNode job = await().atMost(Duration.ofSeconds(60)).until(() ->
        PairFixture.getJson(pair.main.adminUrl() + "/api/jobs/" + id), done -> !"RUNNING".equals(done.get("state")
        .asText()));
    assertThat(job.get("state").asText()).as("%s", job).isEqualTo("DONE");
    return job;
  }

  /** Starts a reprocess of the Main's calls in {@code [from, to)} through the Recorder Manager; returns its id. */
  private static String reprocess(Instant from, Instant to) throws Exception {
    HttpResponse<String> started = PairFixture.HTTP.send(HttpRequest.newBuilder(
        URI.create(pair.managerUrl() + "/api/reprocess")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"serial\":\"" + MAIN + "\",\"from\":\"" + from + "\",\"to\":\""
            + to + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isBetween(200, 202);
    return Json.MAPPER.readTree(started.body()).get("id").asText();
  }

  private static JsonNode awaitJob(String id) {
    JsonNode job = await().atMost(Duration.ofSeconds(60)).until(() ->
        PairFixture.getJson(pair.managerUrl() + "/api/jobs/" + id), done -> !"RUNNING".equals(done.get("state")
        .asText()));
    assertThat(job.get("state").asText()).as("%s", job).isEqualTo("DONE");
    return job;
  }

  private static void awaitWorkflowDone(long done) {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonNode workflow = workflow();
      assertThat(workflow.path("DONE").asLong()).as("%s", workflow).isEqualTo(done);
      for (String state : List.of("PENDING", "ARCHIVING", "AWAITING_REPROCESS", "FAILED")) {
        assertThat(workflow.path(state).asLong()).as("%s in %s", state, workflow).isZero();
      }
    });
  }

  private static JsonNode workflow() throws Exception {
    return PairFixture.getJson(pair.main.adminUrl() + "/api/status").get("workflow");
  }

  private static JsonNode interactions() throws Exception {
    return PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=1000");
  }

  private static List<String> keys(JsonNode interactions) {
    List<String> keys = new ArrayList<>();
    interactions.forEach(interaction -> keys.add(interaction.get("correlationKey").asText()));
    return keys;
  }

}
