package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Inum;
import io.tandem.database.MediaSource;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay always finds a copy: a conversation recorded by both recorders still plays through the Recorder Manager after
 * kill -9 of the recorder that holds its best copy, from the other recorder's copy when the best is not archived or
 * its archive cannot be reached from the Manager, and from the archive, through the folder where the Manager sees it,
 * when it can. The answer names the copy it carries.
 */
class ReplayFallbackTest {
  private static final int MAIN = 460_001;
  private static final int BACKUP = 460_002;

  @TempDir
  Path root;

  private PairFixture pair;

  @AfterEach
  void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void afterKillMinus9OfTheBestCopysRecorderReplayServesTheOtherCopyExactly() throws Exception {
    int rtpBase = 47_000 + 400 * ThreadLocalRandom.current().nextInt(10);
    // A short grace period, so that the secondary links its copy within the test; no archive, so each copy lives
    // only in its recorder's call buffer.
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase).rtpPorts(200)
        .recorderSettings(Map.of("gap.grace", "2s")).withoutArchiving().start();
    SimulationReport report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1,
        Duration.ofSeconds(3), "udp", 0)).run();
    assertThat(report.failures()).as("simulated conversations that failed").isZero();

    JsonNode interaction = await().atMost(Duration.ofSeconds(40)).until(pair::onlyInteraction,
        found -> found != null && found.get("copies").size() == 2);
    String id = interaction.get("id").asText();
    String best = interaction.get("bestInum").asText();
    String other = otherCopy(interaction, best);
    String media = pair.managerUrl() + "/api/interactions/" + id + "/media";

    HttpResponse<byte[]> fromBest = PairFixture.getBytes(media, null);
    assertThat(fromBest.statusCode()).as("replay while both recorders run").isEqualTo(200);
    assertThat(fromBest.headers().firstValue("X-Tandem-Inum")).as("copy served while both run").contains(best);
    byte[] otherWhole = PairFixture.getBytes(copyMedia(id, other), null).body();
    assertThat(otherWhole.length).as("bytes of the other copy, a WAV with audio").isGreaterThan(8000);

    RecorderProcess holder = Inum.parse(best).serial() == MAIN ? pair.main : pair.backup;
    holder.kill9();

    HttpResponse<byte[]> fallback = PairFixture.getBytes(media, null);
    assertThat(fallback.statusCode()).as("replay after kill -9 of recorder %d", holder.serial).isEqualTo(200);
    assertThat(fallback.headers().firstValue("X-Tandem-Inum")).as("copy served after the kill").contains(other);
    assertThat(fallback.body()).as("the other copy's bytes, whole").isEqualTo(otherWhole);

    HttpResponse<byte[]> part = PairFixture.getBytes(media, "bytes=100-1099");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).contains("bytes 100-1099/" + otherWhole.length);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(otherWhole, 100, 1100));

    HttpResponse<byte[]> bestOnly = PairFixture.getBytes(copyMedia(id, best), null);
    assertThat(bestOnly.statusCode()).as("the killed recorder's copy asked for by its INUM").isEqualTo(502);
    assertThat(new String(bestOnly.body())).contains(best, "cannot be reached");
  }

  @Test
  void anArchivedCopyIsServedThroughTheFolderWhereTheManagerSeesTheArchiveAfterKillMinus9OfItsRecorder()
      throws Exception {
    Path seenByManager = root.resolve("archive-as-the-manager-sees-it");
    MediaKeys keys = MediaKeys.generate();
    Path keyFile = root.resolve("media.key");
    keys.write(keyFile);
    Path backupKeyFile = root.resolve("backup-media.key");
    keys.write(backupKeyFile);
    // Media sealed at rest: the copy read through the mount is opened with the Manager's key like any archived copy.
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase()).rtpPorts(200)
        .recorderSettings(Map.of("gap.grace", "2s", "media.keyFile", backupKeyFile.toString()))
        .mainSettings(Map.of("media.keyFile", keyFile.toString()))
        .managerSettings(Map.of("media.keyFile", keyFile.toString(),
            "archive.mount.shared.target", root.resolve("archive").toString(),
            "archive.mount.shared.seenAt", seenByManager.toString()))
        .start();
    String id = recordOneConversation().get("id").asText();
    String archived = awaitArchivedCopy(id);
    String copy = copyMedia(id, archived);
    // While the folder is not where the mount says, the archive cannot be reached and the recorder serves the copy.
    HttpResponse<byte[]> fromRecorder = PairFixture.getBytes(copy, null);
    assertThat(fromRecorder.statusCode()).as("the archived copy while its folder is not seen").isEqualTo(200);
    byte[] whole = fromRecorder.body();
    assertThat(whole.length).as("bytes of the archived copy, a WAV with audio").isGreaterThan(8000);

    Files.move(pair.archive, seenByManager);
    RecorderProcess holder = holderOf(archived);
    holder.kill9();

    HttpResponse<byte[]> fromArchive = PairFixture.getBytes(copy, null);
    assertThat(fromArchive.statusCode()).as("copy %s after kill -9 of recorder %d", archived, holder.serial)
        .isEqualTo(200);
    assertThat(fromArchive.headers().firstValue("X-Tandem-Inum")).contains(archived);
    assertThat(fromArchive.body()).as("the archived copy's plain bytes, whole").isEqualTo(whole);
    HttpResponse<byte[]> part = PairFixture.getBytes(copy, "bytes=100-1099");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).contains("bytes 100-1099/" + whole.length);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(whole, 100, 1100));
    assertThat(archiveLocation(id, archived)).as("where the call database says the copy is")
        .startsWith(root.resolve("archive").toString());
  }

  @Test
  void withNoMountAnArchiveTheManagerCannotSeeIsPassedOverForTheOtherCopy() throws Exception {
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase()).rtpPorts(200)
        .recorderSettings(Map.of("gap.grace", "2s")).start();
    JsonNode interaction = recordOneConversation();
    String id = interaction.get("id").asText();
    String archived = awaitArchivedCopy(id);
    String other = otherCopy(interaction, archived);
    byte[] otherWhole = PairFixture.getBytes(copyMedia(id, other), null).body();
    assertThat(otherWhole.length).as("bytes of the other copy, a WAV with audio").isGreaterThan(8000);

    // The archive folder is now where only the recorders' host would see it.
    Files.move(pair.archive, root.resolve("archive-elsewhere"));
    RecorderProcess holder = holderOf(archived);
    holder.kill9();

    HttpResponse<byte[]> fallback = PairFixture.getBytes(pair.managerUrl() + "/api/interactions/" + id + "/media",
        null);
    assertThat(fallback.statusCode()).as("replay after kill -9 of recorder %d", holder.serial).isEqualTo(200);
    assertThat(fallback.headers().firstValue("X-Tandem-Inum")).as("copy served after the kill").contains(other);
    assertThat(fallback.body()).as("the other copy's bytes, whole").isEqualTo(otherWhole);
    HttpResponse<byte[]> archivedOnly = PairFixture.getBytes(copyMedia(id, archived), null);
    assertThat(archivedOnly.statusCode()).as("the killed recorder's archived copy asked for by its INUM")
        .isEqualTo(502);
    assertThat(new String(archivedOnly.body())).contains(archived, "its archived copy cannot be reached from here",
        "no archive mount says where its folder is seen", "cannot be reached");
  }

  /** Records one conversation on both recorders and returns its interaction once both copies are linked. */
  private JsonNode recordOneConversation() throws Exception {
    SimulationReport report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1,
        Duration.ofSeconds(3), "udp", 0)).run();
    assertThat(report.failures()).as("simulated conversations that failed").isZero();
    return await().atMost(Duration.ofSeconds(40)).until(pair::onlyInteraction,
        found -> found != null && found.get("copies").size() == 2);
  }

  /** The INUM of the interaction's copy that the archive rule copied, once it has. */
  private String awaitArchivedCopy(String id) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> pair.database.copySources(Long.parseLong(id)).stream()
        .filter(MediaSource::archived).map(source -> source.inum().toString()).findFirst().orElse(null),
        java.util.Objects::nonNull);
  }

  private String archiveLocation(String id, String inum) throws Exception {
    return pair.database.copySources(Long.parseLong(id)).stream().filter(source -> source.inum().toString()
        .equals(inum)).map(MediaSource::archiveLocation).findFirst().orElse(null);
  }

  private RecorderProcess holderOf(String inum) {
    return Inum.parse(inum).serial() == MAIN ? pair.main : pair.backup;
  }

  private static int rtpBase() {
    return 47_000 + 400 * ThreadLocalRandom.current().nextInt(10);
  }

  private static String otherCopy(JsonNode interaction, String best) {
    List<String> others = new java.util.ArrayList<>();
    interaction.get("copies").forEach(copy -> {
      if (!copy.get("inum").asText().equals(best)) {
        others.add(copy.get("inum").asText());
      }
    });
    assertThat(others).as("copies other than the best").hasSize(1);
    return others.get(0);
  }

  private String copyMedia(String id, String inum) {
    return pair.managerUrl() + "/api/interactions/" + id + "/copies/" + inum + "/media";
  }
}
