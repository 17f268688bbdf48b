package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.media.MediaFiles;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import io.tandem.simulator.Tones;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pair with media sealed at rest and every API on HTTPS: the Manager and both recorders answer with a
 * certificate from their config files, the Manager trusts the recorders' by a configured CA file, and the
 * command-line tools take it with --ca. What is on disk holds none of the audio; replay and Range stay exact, from
 * the archive and relayed from a recorder; a call cut off by kill -9 recovers and replays; a wrong key stops a
 * recorder at start and changes nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SealedMediaEndToEndTest {
  private static final int CONVERSATIONS = 4;
  private static final Duration CALL = Duration.ofSeconds(3);

  @TempDir
  static Path root;

  static PairFixture pair;
  static SimulationReport report;
  static MediaKeys keys;
  static Path backupKeyFile;

  @BeforeAll
  static void recordConversations() throws Exception {
    keys = MediaKeys.generate();
    Path keyFile = root.resolve("media.key");
    keys.write(keyFile);
    backupKeyFile = root.resolve("backup-media.key");
    keys.write(backupKeyFile);
    Map<String, String> recorders = new HashMap<>(TestCertificate.recorderSettings());
    recorders.put("media.keyFile", keyFile.toString());
    Map<String, String> manager = new HashMap<>(TestCertificate.managerSettings());
    manager.put("media.keyFile", keyFile.toString());
    pair = PairFixture.with(root, 410001, 410002, 3000, recorders, manager, Map.of("media.keyFile",
        backupKeyFile.toString()));
    report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), CONVERSATIONS, 4, CALL, "udp", 0)).run();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        PairFixture.getJson(pair.managerUrl() + "/api/interactions").size() >= CONVERSATIONS);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void theManagerAndTheRecordersAnswerHttpsOnly() throws Exception {
    assertThat(pair.managerUrl()).startsWith("https://");
    assertThat(pair.main.adminUrl()).startsWith("https://");
    assertThat(report.failures()).isZero();
    assertThat(PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0).get("recorders").get(0)
        .get("healthy").asBoolean()).as("the Manager reaches the recorders over HTTPS").isTrue();
    String plain = pair.managerUrl().replace("https://", "http://");
    try (HttpClient client = HttpClient.newHttpClient()) {
      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(plain + "/health"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
          .as("no plain HTTP on the Manager's port").isInstanceOf(java.io.IOException.class);
    }
    try (HttpClient untrusting = HttpClient.newHttpClient()) {
      assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(pair.managerUrl() + "/health"))
          .build(), HttpResponse.BodyHandlers.ofString()))
          .as("a client that does not trust the certificate is refused").isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  @Order(2)
  void theShellAndTheSimulatorWorkOverHttpsWithTheCaOption() throws Exception {
    Path shellLog = root.resolve("shell.log");
    Process shell = RecorderProcess.launch(List.of("shell", "--recorder", pair.main.adminUrl(), "--ca",
        TestCertificate.PEM.toString(), "-c", "status"), shellLog);
    assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(shell.exitValue()).as(Files.readString(shellLog)).isZero();
    assertThat(Files.readString(shellLog)).contains("Recorder 410001");

    Path simulateLog = root.resolve("simulate.log");
    Process simulate = RecorderProcess.launch(List.of("simulate", "--manager", pair.managerUrl(), "--ca",
        TestCertificate.PEM.toString(), "--conversations", "1", "--cps", "2", "--duration", "1"), simulateLog);
    assertThat(simulate.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(simulate.exitValue()).as(Files.readString(simulateLog)).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        PairFixture.getJson(pair.managerUrl() + "/api/interactions").size() == CONVERSATIONS + 1);
  }

  @Test
  @Order(3)
  void theBytesOnDiskHoldNoneOfTheRecordedAudio() throws Exception {
    JsonNode interaction = PairFixture.getJson(pair.managerUrl() + "/api/interactions").get(0);
    byte[] replayed = PairFixture.getBytes(pair.managerUrl() + "/api/interactions/" + interaction.get("id").asText()
        + "/media", null).body();
    WavAudio audio = WavFile.read(Files.write(root.resolve("replayed.wav"), replayed));
    assertThat(audio.channels()).isEqualTo(2);
    List<byte[]> probes = new java.util.ArrayList<>();
    for (int at = 44 + 4000; at + 32 < replayed.length; at += 3000) {
      probes.add(Arrays.copyOfRange(replayed, at, at + 32));
    }
    assertThat(probes).hasSizeGreaterThan(5);
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> media = files.filter(p -> p.toString().endsWith(".wav") && !p.startsWith(root.resolve("replayed.wav"))
          && (p.startsWith(pair.main.dataDir) || p.startsWith(pair.backup.dataDir) || p.startsWith(pair.archive)))
          .toList();
      assertThat(media).hasSizeGreaterThanOrEqualTo(2 * CONVERSATIONS);
      for (Path file : media) {
        byte[] disk = Files.readAllBytes(file);
        assertThat(new String(disk, 0, 8, StandardCharsets.US_ASCII)).as("%s is sealed", file).isEqualTo("TNDMSEAL");
        for (byte[] probe : probes) {
          assertThat(indexOf(disk, probe)).as("PCM of the call found in %s", file).isNegative();
        }
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE));
      }
    }
    assertThat(Files.getPosixFilePermissions(pair.main.dataDir.resolve("calls"))).isEqualTo(Set.of(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
  }

  @Test
  @Order(4)
  void replayAndRangeStayExactFromTheArchiveAndRelayedFromARecorder() throws Exception {
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions")) {
      String url = pair.managerUrl() + "/api/interactions/" + interaction.get("id").asText() + "/media";
      assertExactRanges(url);
    }
    // The Backup's copies are in its buffer only: its own API serves them, sealed, by range.
    for (JsonNode call : PairFixture.getJson(pair.backup.adminUrl() + "/api/calls")) {
      assertExactRanges(pair.backup.adminUrl() + "/api/calls/" + call.get("inum").asText() + "/media");
    }
    // An archived copy gone from the archive is relayed from the recorder that holds it, over HTTPS.
    await().atMost(Duration.ofSeconds(20)).until(() -> archived().size() >= CONVERSATIONS);
    JsonNode first = PairFixture.getJson(pair.managerUrl() + "/api/interactions").get(0);
    String url = pair.managerUrl() + "/api/interactions/" + first.get("id").asText() + "/media";
    byte[] fromArchive = PairFixture.getBytes(url, null).body();
    Path copy = archived().stream().filter(p -> p.getFileName().toString().startsWith(first.get("bestInum").asText()))
        .findFirst().orElseThrow();
    Files.move(copy, root.resolve("set-aside.wav"));
    try {
      assertThat(PairFixture.getBytes(url, null).body()).isEqualTo(fromArchive);
      assertExactRanges(url);
    } finally {
      Files.move(root.resolve("set-aside.wav"), copy);
    }
  }

  @Test
  @Order(5)
  void archivedCopiesMatchTheirChecksumsAndEveryChunkAuthenticates() throws Exception {
    List<Path> copies = archived();
    assertThat(copies).hasSizeGreaterThanOrEqualTo(CONVERSATIONS);
    for (Path copy : copies) {
      String inum = copy.getFileName().toString().replace(".wav", "");
      Path original = pair.main.dataDir.resolve(PairFixture.getJson(pair.main.adminUrl() + "/api/calls/" + inum)
          .get("mediaPath").asText());
      assertThat(sha256(copy)).isEqualTo(sha256(original)).isEqualTo(ledgerSum(inum));
      long plainBytes = MediaFiles.of(keys, false).verify(copy);
      assertThat(plainBytes).isEqualTo(PairFixture.getBytes(pair.main.adminUrl() + "/api/calls/" + inum + "/media",
          null).body().length);
    }
  }

  @Test
  @Order(6)
  void aCallCutOffByKillMinus9RecoversFromItsSealedFileAndReplays() throws Exception {
    CompletableFuture<SimulationReport> longCall = CompletableFuture.supplyAsync(() ->
        new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1, Duration.ofSeconds(8), "udp", 0)).run());
    await().atMost(Duration.ofSeconds(10)).until(() ->
        PairFixture.getJson(pair.main.adminUrl() + "/health").get("activeCalls").asInt() == 1);
    // Let a few seconds of media reach the disk, across many re-sealed last chunks.
    await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(3)).until(() -> true);
    pair.main.kill9();
    pair.main.start();
    longCall.get();

    JsonNode cutOff = null;
    for (JsonNode call : PairFixture.getJson(pair.main.adminUrl() + "/api/calls")) {
      if (call.get("state").asText().equals("TRUNCATED")) {
        cutOff = call;
      }
    }
    assertThat(cutOff).as("the call cut off by kill -9").isNotNull();
    long bytes = cutOff.get("media").get("bytes").asLong();
    assertThat(bytes).as("media written before the kill").isGreaterThan(8000L * 2 * 2);
    HttpResponse<byte[]> media = PairFixture.getBytes(pair.main.adminUrl() + "/api/calls/"
        + cutOff.get("inum").asText() + "/media", null);
    assertThat(media.statusCode()).isEqualTo(200);
    WavAudio audio = WavFile.read(Files.write(root.resolve("cut-off.wav"), media.body()));
    assertThat((long) audio.frames() * 2 * 2).isEqualTo(bytes);
    short[] channel = audio.channel(0);
    double[] candidates = new double[30];
    for (int i = 0; i < candidates.length; i++) {
      candidates[i] = 300 + 100 * i;
    }
    assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(channel, 800, channel.length - 800), 8000,
        candidates)).isEqualTo(Tones.frequency(0, 0));
    assertExactRanges(pair.main.adminUrl() + "/api/calls/" + cutOff.get("inum").asText() + "/media");
  }

  @Test
  @Order(7)
  void aWrongMediaKeyStopsTheRecorderAtStartAndChangesNothing() throws Exception {
    pair.backup.close();
    Map<Path, String> before = sums(pair.backup.dataDir);
    MediaKeys.generate().write(backupKeyFile);
    assertThatThrownBy(() -> pair.backup.start()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot open").hasMessageContaining("is sealed under media key " + keys.current().id())
        .hasMessageContaining("media.keyFile");
    assertThat(sums(pair.backup.dataDir)).isEqualTo(before);

    keys.write(backupKeyFile);
    pair.backup.start();
    assertThat(PairFixture.getJson(pair.backup.adminUrl() + "/api/calls")).hasSizeGreaterThanOrEqualTo(CONVERSATIONS);
  }

  private static void assertExactRanges(String url) throws Exception {
    HttpResponse<byte[]> whole = PairFixture.getBytes(url, null);
    assertThat(whole.statusCode()).as(url).isEqualTo(200);
    byte[] all = whole.body();
    assertThat(whole.headers().firstValue("Content-Length")).hasValue(Integer.toString(all.length));
    assertThat(new String(all, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    int[][] ranges = {{0, 0}, {100, 1099}, {4000, 4100}, {4060, 8200}, {all.length - 5000, all.length - 1}};
    for (int[] range : ranges) {
      HttpResponse<byte[]> part = PairFixture.getBytes(url, "bytes=" + range[0] + "-" + range[1]);
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.headers().firstValue("Content-Range"))
          .hasValue("bytes " + range[0] + "-" + range[1] + "/" + all.length);
      assertThat(part.body()).isEqualTo(Arrays.copyOfRange(all, range[0], range[1] + 1));
    }
    HttpResponse<byte[]> tail = PairFixture.getBytes(url, "bytes=-10");
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(all, all.length - 10, all.length));
    HttpResponse<byte[]> past = PairFixture.getBytes(url, "bytes=" + all.length + "-");
    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + all.length);
  }

  private static List<Path> archived() throws Exception {
    try (Stream<Path> files = Files.walk(pair.archive)) {
      return files.filter(p -> p.toString().endsWith(".wav")).toList();
    }
  }

  private static String ledgerSum(String inum) throws Exception {
    try (var connection = java.sql.DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        var statement = connection.prepareStatement("select sha256 from archived_copies where inum = ?")) {
      statement.setLong(1, Long.parseLong(inum));
      try (var rows = statement.executeQuery()) {
        assertThat(rows.next()).as("archive row for %s", inum).isTrue();
        return rows.getString(1);
      }
    }
  }

  private static Map<Path, String> sums(Path dir) throws Exception {
    Map<Path, String> sums = new HashMap<>();
    try (Stream<Path> files = Files.walk(dir.resolve("calls"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        sums.put(file, sha256(file));
      }
    }
    return sums;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
