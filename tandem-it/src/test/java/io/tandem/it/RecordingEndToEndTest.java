package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import io.tandem.simulator.Tones;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pair records simulated SIPREC conversations end to end: capture on both recorders, marking by
 * the Main's Workflow, archive, and replay through the Recorder Manager.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecordingEndToEndTest {
  private static final int CONVERSATIONS = 12;
  private static final Duration CALL = Duration.ofSeconds(4);

  @TempDir
  static Path root;

  static PairFixture pair;
  static SimulationReport report;
  static final Map<String, JsonNode> interactionsByKey = new HashMap<>();

  @BeforeAll
  static void recordConversations() throws Exception {
    pair = new PairFixture(root, 310001, 310002, 10000);
    report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), CONVERSATIONS, 6, CALL, "udp", 0)).run();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=1000").size() >= CONVERSATIONS);
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=1000")) {
      interactionsByKey.put(interaction.get("correlationKey").asText(), interaction);
    }
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void everyConversationIsOneInteractionWithAMarkedMainCopy() {
    assertThat(report.failures()).isZero();
    assertThat(report.conversationsSent()).isEqualTo(CONVERSATIONS);
    assertThat(interactionsByKey).hasSize(CONVERSATIONS);
    for (var sent : report.conversations()) {
      JsonNode interaction = interactionsByKey.get(sent.sessionId());
      assertThat(interaction).as("interaction for session %s", sent.sessionId()).isNotNull();
      assertThat(interaction.get("copies")).hasSize(1);
      JsonNode copy = interaction.get("copies").get(0);
      assertThat(copy.get("serial").asText()).isEqualTo("310001");
      assertThat(copy.get("callRole").asText()).isEqualTo("MASTER");
      assertThat(copy.get("complete").asBoolean()).isTrue();
      assertThat(copy.get("marked").asBoolean()).isTrue();
      assertThat(interaction.get("bestInum").asText()).isEqualTo(copy.get("inum").asText());
    }
  }

  @Test
  @Order(2)
  void theBackupKeepsItsCopiesInItsBufferOnly() throws Exception {
    JsonNode calls = PairFixture.getJson(pair.backup.adminUrl() + "/api/calls?limit=1000");
    assertThat(calls).hasSize(CONVERSATIONS);
    for (JsonNode call : calls) {
      assertThat(call.get("callRole").asText()).isEqualTo("SLAVE");
      assertThat(call.get("state").asText()).isEqualTo("COMPLETE");
      assertThat(interactionsByKey).containsKey(call.get("correlationKey").asText());
    }
    JsonNode status = PairFixture.getJson(pair.backup.adminUrl() + "/api/status");
    assertThat(status.get("role").asText()).isEqualTo("SECONDARY");
    long entries = 0;
    for (JsonNode count : status.get("workflow")) {
      entries += count.asLong();
    }
    assertThat(entries).as("a secondary submits nothing to its Workflow: %s", status.get("workflow")).isZero();
    interactionsByKey.values().forEach(i -> i.get("copies").forEach(c ->
        assertThat(c.get("serial").asText()).isNotEqualTo("310002")));
  }

  @Test
  @Order(3)
  void mediaLastsAsLongAsWhatWasSentAndEachStreamHoldsItsOwnTone() throws Exception {
    for (var sent : report.conversations()) {
      JsonNode interaction = interactionsByKey.get(sent.sessionId());
      HttpResponse<byte[]> media = PairFixture.getBytes(
          pair.managerUrl() + "/api/interactions/" + interaction.get("id").asText() + "/media", null);
      assertThat(media.statusCode()).isEqualTo(200);
      assertThat(media.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("audio/wav"));
      Path wav = Files.write(root.resolve("replay-" + sent.index() + ".wav"), media.body());
      WavAudio audio = WavFile.read(wav);
      assertThat(audio.channels()).isEqualTo(2);
      // From the later stream's first sound, by RTP timestamps: where each stream begins depends on when its first
      // packet arrived, which a loaded machine delays.
      double seconds = heardFrames(audio) / 8000.0;
      assertThat(seconds).as("duration of %s", sent.sessionId()).isCloseTo(CALL.toMillis() / 1000.0,
          org.assertj.core.data.Percentage.withPercentage(1));
      for (int stream = 0; stream < 2; stream++) {
        double expected = Tones.frequency(sent.index(), stream);
        double[] candidates = candidates();
        short[] channel = audio.samples()[stream];
        assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(channel, 800, channel.length - 800), 8000,
            candidates)).as("tone of stream %d of conversation %d", stream, sent.index()).isEqualTo(expected);
      }
    }
  }

  @Test
  @Order(4)
  void rangeReplayReturnsExactlyTheBytesAsked() throws Exception {
    String url = pair.managerUrl() + "/api/interactions/"
        + interactionsByKey.values().iterator().next().get("id").asText() + "/media";
    byte[] whole = PairFixture.getBytes(url, null).body();
    HttpResponse<byte[]> part = PairFixture.getBytes(url, "bytes=100-1099");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-1099/" + whole.length);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(whole, 100, 1100));
    HttpResponse<byte[]> tail = PairFixture.getBytes(url, "bytes=-10");
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(whole, whole.length - 10, whole.length));
    // Served from the archive or relayed from the recorder, a range past the end is answered alike.
    HttpResponse<byte[]> past = PairFixture.getBytes(url, "bytes=" + whole.length + "-");
    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + whole.length);
    assertThat(new String(past.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("cannot be satisfied by a resource of " + whole.length + " bytes");
  }

  @Test
  @Order(5)
  void archivedCopiesMatchTheirChecksums() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> countArchived() >= CONVERSATIONS);
    try (var files = Files.walk(pair.archive)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".wav")).toList()) {
        String inum = file.getFileName().toString().replace(".wav", "");
        Path original = pair.main.dataDir.resolve(findMediaPath(inum));
        assertThat(sha256(file)).isEqualTo(sha256(original)).isEqualTo(archivedSum(inum));
      }
    }
  }

  private static long countArchived() throws Exception {
    try (var files = Files.walk(pair.archive)) {
      return files.filter(p -> p.toString().endsWith(".wav")).count();
    }
  }

  private static String findMediaPath(String inum) throws Exception {
    return PairFixture.getJson(pair.main.adminUrl() + "/api/calls/" + inum).get("mediaPath").asText();
  }

  private static String archivedSum(String inum) throws Exception {
    try (var connection = java.sql.DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        var statement = connection.prepareStatement("select sha256 from archived_copies where inum = ?")) {
      statement.setLong(1, Long.parseLong(inum));
      try (var rows = statement.executeQuery()) {
        assertThat(rows.next()).as("archive row for %s", inum).isTrue();
        return rows.getString(1);
      }
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static double[] candidates() {
    double[] all = new double[30];
    for (int i = 0; i < all.length; i++) {
      all[i] = 300 + 100 * i;
    }
    return all;
  }

  /** Frames of the WAV from the first sound of the stream that began last. */
  private static int heardFrames(WavAudio audio) {
    int laterStart = 0;
    for (short[] channel : audio.samples()) {
      int first = 0;
      while (first < channel.length && channel[first] == 0) {
        first++;
      }
      laterStart = Math.max(laterStart, first);
    }
    return audio.frames() - laterStart;
  }
}
