package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.bench.CephS3;
import io.tandem.call.Inum;
import io.tandem.media.MediaFiles;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRetentionResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A real pair archives to an S3 target under a rule added through the Recorder Manager, media sealed at rest: the
 * object holds the recorder's file as it is stored, still sealed, under the rule's object lock, which the gateway
 * enforces (a delete of the version is refused) and the copy's archive state shows; after kill -9 of the recorder that
 * holds the copy, the Manager replays it from S3, whole and by exact ranges. The S3 service of that test is Ceph's
 * RADOS Gateway ({@link CephS3}) over https with a certificate of the run's own (the target's trust file), of the
 * other s3proxy, which the test stops and starts again on its port; each is
 * started by the test on loopback.
 */
class S3ArchiveEndToEndTest {
  private static final int MAIN = 470_001;
  private static final int BACKUP = 470_002;

  @TempDir
  Path root;
  private PairFixture pair;
  private S3Server s3;
  private CephS3 ceph;

  @AfterEach
  void stop() throws Exception {
    if (pair != null) {
      pair.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (ceph != null) {
      ceph.close();
    }
  }

  @Test
  void aRecorderArchivesToS3UnderARuleAndTheManagerReplaysTheCopyFromS3AfterKillMinus9() throws Exception {
    ceph = TestCeph.start();
    try (S3Client client = ceph.client()) {
      client.createBucket(b -> b.bucket("tandem-calls").objectLockEnabledForBucket(true));
    }
    // Over https, the gateway showing a certificate of the run's own, which the recorders and the Manager trust
    // through the target's trust file.
    Map<String, String> target = Map.of("archive.s3.calls.endpoint", ceph.httpsEndpoint().toString(),
        "archive.s3.calls.bucket", "tandem-calls", "archive.s3.calls.accessKeyId", CephS3.ACCESS_KEY,
        "archive.s3.calls.secretAccessKey", CephS3.SECRET, "archive.s3.calls.trust", TestCertificate.PEM.toString());
    MediaKeys keys = MediaKeys.generate();
    Path keyFile = root.resolve("media.key");
    keys.write(keyFile);
    Map<String, String> recorders = new HashMap<>(target);
    recorders.put("gap.grace", "2s");
    recorders.put("media.keyFile", keyFile.toString());
    Map<String, String> manager = new HashMap<>(target);
    manager.put("media.keyFile", keyFile.toString());
    int rtpBase = 47_000 + 400 * ThreadLocalRandom.current().nextInt(10);
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase).rtpPorts(200).withoutArchiving()
        .recorderSettings(recorders).managerSettings(manager).start();
    HttpResponse<String> rule = post("/api/archive-rules", "{\"name\": \"to s3\", \"s3Target\": \"calls\","
        + " \"keyPrefix\": \"tandem/\", \"retentionMode\": \"COMPLIANCE\", \"retentionDays\": 30, \"legalHold\": true}");
    assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);

    SimulationReport report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1,
        Duration.ofSeconds(3), "udp", 0)).run();
    assertThat(report.failures()).as("simulated conversations that failed").isZero();
    JsonNode archived = await().atMost(Duration.ofSeconds(60)).until(this::archivedCopy, found -> found != null);
    String inum = archived.get("inum").asText();
    JsonNode state = archived.get("archive");
    String location = state.get("location").asText();
    String key = location.substring("s3:calls/".length(), location.indexOf("?versionId="));
    String version = location.substring(location.indexOf("?versionId=") + "?versionId=".length());
    JsonNode interaction = pair.onlyInteraction();
    Instant start = Instant.parse(interaction.get("start").asText());

    assertThat(location).startsWith("s3:calls/tandem/").contains("/" + inum + ".wav?versionId=");
    assertThat(state.get("retentionMode").asText()).isEqualTo("COMPLIANCE");
    // Counted from the copy's own start, which lies within the conversation's.
    assertThat(Instant.parse(state.get("retainUntil").asText()).minus(Duration.ofDays(30)))
        .isBetween(start.minusSeconds(2), Instant.parse(interaction.get("end").asText()));
    assertThat(state.get("legalHold").asBoolean()).isTrue();
    Path source = mediaFile(inum);
    byte[] object;
    try (S3Client client = ceph.client()) {
      object = client.getObjectAsBytes(r -> r.bucket("tandem-calls").key(key).versionId(version)).asByteArray();
      GetObjectRetentionResponse retention = client.getObjectRetention(r -> r.bucket("tandem-calls").key(key));
      assertThat(retention.retention().modeAsString()).isEqualTo("COMPLIANCE");
      assertThat(retention.retention().retainUntilDate().truncatedTo(ChronoUnit.SECONDS))
          .isEqualTo(Instant.parse(state.get("retainUntil").asText()).truncatedTo(ChronoUnit.SECONDS));
      assertThatThrownBy(() -> client.deleteObject(r -> r.bucket("tandem-calls").key(key).versionId(version)))
          .as("a delete of the archived version before its date")
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }
    assertThat(object).as("the object: the recorder's file as it is stored").isEqualTo(Files.readAllBytes(source));
    assertThat(MediaFiles.isSealed(source)).as("the stored file is sealed at rest").isTrue();
    assertThat(state.get("sha256").asText()).isEqualTo(sha256(object));
    byte[] plain;
    try (InputStream in = MediaFiles.of(keys, false).newInputStream(source)) {
      plain = in.readAllBytes();
    }

    RecorderProcess holder = Inum.parse(inum).serial() == MAIN ? pair.main : pair.backup;
    holder.kill9();

    String media = pair.managerUrl() + "/api/interactions/" + interaction.get("id").asText() + "/copies/" + inum
        + "/media";
    HttpResponse<byte[]> whole = PairFixture.getBytes(media, null);
    assertThat(whole.statusCode()).as("copy %s from S3 after kill -9 of recorder %d", inum, holder.serial)
        .isEqualTo(200);
    assertThat(whole.headers().firstValue("X-Tandem-Inum")).contains(inum);
    assertThat(whole.body()).as("the copy's plain bytes, whole").isEqualTo(plain);
    int middle = plain.length / 2;
    HttpResponse<byte[]> part = PairFixture.getBytes(media, "bytes=" + middle + "-" + (middle + 999));
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range"))
        .contains("bytes " + middle + "-" + (middle + 999) + "/" + plain.length);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(plain, middle, middle + 1000));
    HttpResponse<byte[]> last = PairFixture.getBytes(media, "bytes=" + (plain.length - 1) + "-");
    assertThat(last.statusCode()).isEqualTo(206);
    assertThat(last.body()).containsExactly(plain[plain.length - 1]);
  }

  @Test
  void whileTheS3TargetIsDownACallWaitsInTheWorkflowAndIsArchivedOnceItIsBack() throws Exception {
    s3 = new S3Server(root.resolve("s3"), "tandem-calls");
    int port = s3.endpoint().getPort();
    Map<String, String> target = Map.of("archive.s3.calls.endpoint", s3.endpoint().toString(),
        "archive.s3.calls.bucket", "tandem-calls", "archive.s3.calls.accessKeyId", S3Server.ACCESS_KEY,
        "archive.s3.calls.secretAccessKey", S3Server.SECRET);
    int rtpBase = 47_000 + 400 * ThreadLocalRandom.current().nextInt(10);
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase).rtpPorts(200).withoutArchiving()
        .recorderSettings(target).managerSettings(target).start();
    HttpResponse<String> rule = post("/api/archive-rules", "{\"name\": \"to s3\", \"s3Target\": \"calls\"}");
    assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
    s3.close();
    s3 = null;

    SimulationReport report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1,
        Duration.ofSeconds(3), "udp", 0)).run();
    assertThat(report.failures()).as("simulated conversations that failed").isZero();
    await().atMost(Duration.ofSeconds(60)).until(() -> workflow(pair.main).path("ARCHIVING").asLong() >= 1);
    assertThat(workflow(pair.main).path("FAILED").asLong()).as("entries failed while S3 is down").isZero();
    assertThat(archivedCopy()).as("a copy archived while S3 is down").isNull();

    s3 = new S3Server(root.resolve("s3"), port, "tandem-calls");
    JsonNode archived = await().atMost(Duration.ofSeconds(90)).until(this::archivedCopy, found -> found != null);
    String key = archived.get("archive").get("location").asText().substring("s3:calls/".length());
    assertThat(sha256(s3.object("tandem-calls", key))).isEqualTo(archived.get("archive").get("sha256").asText());
    assertThat(workflow(pair.main).path("FAILED").asLong()).isZero();
  }

  private static JsonNode workflow(RecorderProcess recorder) throws Exception {
    return PairFixture.getJson(recorder.adminUrl() + "/api/status").get("workflow");
  }

  /** The first copy of the only interaction that has an archive state, or null while none has. */
  private JsonNode archivedCopy() throws Exception {
    JsonNode interaction = pair.onlyInteraction();
    if (interaction == null) {
      return null;
    }
    for (JsonNode copy : interaction.get("copies")) {
      if (copy.hasNonNull("archive")) {
        return copy;
      }
    }
    return null;
  }

  /** The media file of call {@code inum} in its recorder's data directory. */
  private Path mediaFile(String inum) throws Exception {
    Path dataDir = root.resolve(Inum.parse(inum).serial() == MAIN ? "main" : "backup");
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files.filter(file -> file.getFileName().toString().equals(inum + ".wav")).findFirst().orElseThrow();
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(pair.managerUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
