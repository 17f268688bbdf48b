package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.audit.AuditRow;
import io.tandem.json.Json;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ZIP of a search's results, on a real pair whose recorders seal media at rest: every WAV in it is the copy
 * replay serves for its interaction, byte for byte, with the manifest's SHA-256; a filter that matches nothing gives
 * an archive holding only the manifest; a bad filter gives 400 and no ZIP; interactions whose copies can no longer be
 * read are listed with the reason and do not fail the download.
 */
class InteractionExportTest {
  private static final int MAIN = 480_001;
  private static final int BACKUP = 480_002;
  private static final int CONVERSATIONS = 3;

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
  void theZipHoldsWhatReplayServesWithTheManifestsChecksumsAndListsWhatCannotBeRead() throws Exception {
    Path keyFile = root.resolve("media.key");
    MediaKeys.generate().write(keyFile);
    int rtpBase = 48_000 + 400 * ThreadLocalRandom.current().nextInt(10);
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase).rtpPorts(200).withoutArchiving()
        .recorderSettings(Map.of("gap.grace", "2s", "media.keyFile", keyFile.toString()))
        .managerSettings(Map.of("media.keyFile", keyFile.toString())).start();
    SimulationReport report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), CONVERSATIONS, 2,
        Duration.ofSeconds(2), "udp", 0)).run();
    assertThat(report.failures()).as("simulated conversations that failed").isZero();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonNode found = PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=10");
      assertThat(found.size()).as("interactions: %s", found).isEqualTo(CONVERSATIONS);
      // The Backup's copies are linked by its gap audit, whose media check opens them sealed.
      assertThat(allOf(found, interaction -> interaction.get("copies").size() == 2)).as("two copies each: %s", found)
          .isTrue();
    });

    Export all = export("order=oldest&serial=" + MAIN);
    assertThat(all.answer.statusCode()).isEqualTo(200);
    assertThat(all.answer.headers().firstValue("Content-Type")).contains("application/zip");
    assertThat(all.manifest.get("count").asInt()).isEqualTo(CONVERSATIONS);
    assertThat(all.wavs).hasSize(CONVERSATIONS);
    for (JsonNode line : all.manifest.get("interactions")) {
      String id = line.get("id").asText();
      byte[] wav = all.wavs.get(line.get("file").asText());
      assertThat(wav).as("the WAV the manifest names for interaction %s", id).isNotNull();
      assertThat(line.get("bytes").asLong()).isEqualTo(wav.length);
      assertThat(line.get("sha256").asText()).as("SHA-256 of %s", line.get("file").asText()).isEqualTo(sha256(wav));
      assertThat(line.get("participants").size()).as("participants of %s", id).isPositive();
      HttpResponse<byte[]> replay = PairFixture.getBytes(pair.managerUrl() + "/api/interactions/" + id + "/media",
          null);
      assertThat(replay.statusCode()).isEqualTo(200);
      assertThat(replay.headers().firstValue("X-Tandem-Inum")).contains(line.get("inum").asText());
      assertThat(sha256(replay.body())).as("replay's bytes of %s", id).isEqualTo(sha256(wav));
      assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).as("a plain WAV, not sealed").isEqualTo("RIFF");
    }
    assertThat(all.checksums).hasSize(CONVERSATIONS).allSatisfy(line -> assertThat(line)
        .matches("[0-9a-f]{64}  interaction-[0-9]+-[0-9]{15}\\.wav"));
    assertThat(replayAudits()).as("audit rows of interactions served in a ZIP").isEqualTo(CONVERSATIONS);

    Export firstTwo = export("order=oldest&limit=2");
    assertThat(firstTwo.wavs).hasSize(2);
    assertThat(firstTwo.answer.headers().firstValue("X-Tandem-Next-Cursor")).isPresent();
    assertThat(firstTwo.manifest.get("nextCursor").asText()).isEqualTo(firstTwo.answer.headers()
        .firstValue("X-Tandem-Next-Cursor").orElseThrow());
    assertThat(firstTwo.manifest.get("interactions").get(0).get("id").asLong())
        .isEqualTo(all.manifest.get("interactions").get(0).get("id").asLong());

    Export none = export("participant=no-such-participant-anywhere");
    assertThat(none.answer.statusCode()).isEqualTo(200);
    assertThat(none.names).containsExactly("manifest.json", "SHA256SUMS");
    assertThat(none.manifest.get("count").asInt()).isZero();
    assertThat(none.manifest.get("interactions")).isEmpty();

    for (String bad : List.of("callRole=BOSS", "limit=501", "minDuration=-1", "sort=start")) {
      HttpResponse<byte[]> refused = PairFixture.getBytes(exportUrl(bad), null);
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
      assertThat(refused.headers().firstValue("Content-Type")).as(bad).hasValueSatisfying(type -> assertThat(type)
          .startsWith("application/json"));
      assertThat(Json.MAPPER.readTree(refused.body()).get("error").asText()).as(bad).isNotBlank();
    }

    pair.main.kill9();
    pair.backup.kill9();
    Export unreadable = export("order=oldest");
    assertThat(unreadable.answer.statusCode()).isEqualTo(200);
    assertThat(unreadable.names).containsExactly("manifest.json", "SHA256SUMS");
    assertThat(unreadable.manifest.get("interactions")).hasSize(CONVERSATIONS).allSatisfy(line -> {
      assertThat(line.has("sha256")).isFalse();
      assertThat(line.get("reason").asText()).contains("no copy can be read now", "cannot be reached");
    });
  }

  private String exportUrl(String query) {
    return pair.managerUrl() + "/api/interactions/export.zip?" + query;
  }

  private Export export(String query) throws Exception {
    HttpResponse<byte[]> answer = PairFixture.getBytes(exportUrl(query), null);
    assertThat(answer.statusCode()).as("export of %s: %s", query, new String(answer.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    return Export.of(answer);
  }

  private long replayAudits() throws Exception {
    return pair.database.auditRows(1000).stream().map(AuditRow::detail)
        .filter(detail -> detail.contains("in a ZIP export")).count();
  }

  private static boolean allOf(JsonNode list, java.util.function.Predicate<JsonNode> test) {
    for (JsonNode item : list) {
      if (!test.test(item)) {
        return false;
      }
    }
    return true;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** An unzipped export: its entries in order, the WAVs by name, the manifest and the checksum lines. */
  private record Export(HttpResponse<byte[]> answer, List<String> names, Map<String, byte[]> wavs, JsonNode manifest,
      List<String> checksums) {
    static Export of(HttpResponse<byte[]> answer) throws IOException {
      List<String> names = new ArrayList<>();
      Map<String, byte[]> wavs = new LinkedHashMap<>();
      JsonNode manifest = null;
      List<String> checksums = List.of();
      try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(answer.body()))) {
        for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
          names.add(entry.getName());
          byte[] bytes = zip.readAllBytes();
          if (entry.getName().endsWith(".wav")) {
            wavs.put(entry.getName(), bytes);
          } else if (entry.getName().equals("manifest.json")) {
            manifest = Json.MAPPER.readTree(bytes);
          } else if (entry.getName().equals("SHA256SUMS")) {
            checksums = new String(bytes, StandardCharsets.UTF_8).lines().toList();
          }
        }
      }
      assertThat(manifest).as("manifest.json in the ZIP").isNotNull();
      return new Export(answer, names, wavs, manifest, checksums);
    }
  }
}
