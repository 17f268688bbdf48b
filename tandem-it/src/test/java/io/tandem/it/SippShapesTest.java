package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sipp sends each SIPREC shape shipping SBCs send (no Require, {@code ;src}, {@code +sip.src} inside the URI,
 * padded boundaries, metadata first, the metadata only in an UPDATE, a stream starting inactive then resumed, a
 * plain INVITE) to both recorders of a real pair at once, as an SBC forks it: each recorder records it with its
 * tones, the participants and quirks it must read, and its metadata bodies kept raw; the Main marks it into
 * one interaction whose copy lists the same quirks.
 */
class SippShapesTest {
  private static final double[] TONES = {700, 1300};
  private static final int PACKETS = 100;
  private static final long PLAY_MILLIS = PACKETS * 20 + 500;

  @TempDir
  static Path root;

  static PairFixture pair;
  static Sipp sipp;

  @BeforeAll
  static void startPair() throws Exception {
    if (Sipp.skipped()) {
      return;
    }
    Sipp.requireCapturePlay();
    pair = new PairFixture(root, 380001, 380002, 7000);
    Path work = Files.createDirectories(root.resolve("sipp"));
    sipp = new Sipp(work);
    RtpPcap.write(work.resolve("two-streams.pcap"), 6000, G711.PCMU, PACKETS, TONES[0], TONES[1]);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  static Stream<SbcShapeScenarios.Shape> shapes() {
    return SbcShapeScenarios.all("two-streams.pcap", PLAY_MILLIS).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void eachShapeIsRecordedByBothRecordersWithItsParticipantsAndQuirks(SbcShapeScenarios.Shape shape) throws Exception {
    Sipp.requireCapturePlay();
    CompletableFuture<Sipp.Result> toBackup = CompletableFuture.supplyAsync(() -> call(shape, pair.backup));
    Sipp.Result toMain = call(shape, pair.main);
    Sipp.Result backupResult = toBackup.get();
    assertThat(toMain.succeeded()).as("to the Main: %s", toMain).isTrue();
    assertThat(backupResult.succeeded()).as("to the Backup: %s", backupResult).isTrue();
    String key = SbcShapeScenarios.key(shape);

    for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
      JsonNode call = await().atMost(Duration.ofSeconds(10)).until(() -> call(recorder, key),
          c -> c.isPresent() && c.get().get("state").asText().equals("COMPLETE")).orElseThrow();
      assertThat(texts(call.get("participants"), "id")).as("participants on %s", recorder.serial)
          .containsExactlyElementsOf(shape.participantIds());
      assertThat(texts(call.get("quirks"), null)).as("quirks on %s", recorder.serial)
          .containsExactlyElementsOf(shape.quirks());
      JsonNode kept = PairFixture.getJson(recorder.adminUrl() + "/api/calls/" + call.get("inum").asText()
          + "/metadata");
      assertThat(kept).as("metadata bodies kept on %s", recorder.serial).hasSize(shape.name().equals("plain") ? 0 : 1);
      kept.forEach(body -> assertThat(body.get("body").asText()).contains("<recording"));
    }
    assertTones(call(pair.main, key).orElseThrow(), shape.name());

    JsonNode interaction = await().atMost(Duration.ofSeconds(20)).until(() -> interaction(key), Optional::isPresent)
        .orElseThrow();
    JsonNode copy = interaction.get("copies").get(0);
    assertThat(copy.get("serial").asText()).isEqualTo(Integer.toString(pair.main.serial));
    assertThat(texts(copy.get("quirks"), null)).containsExactlyElementsOf(shape.quirks());
    JsonNode described = PairFixture.getJson(pair.managerUrl() + "/api/interactions/" + interaction.get("id").asText());
    assertThat(texts(described.get("participants"), "id")).containsExactlyElementsOf(shape.participantIds());
  }

  private static Sipp.Result call(SbcShapeScenarios.Shape shape, RecorderProcess recorder) {
    try {
      return sipp.call(shape.name() + "-" + recorder.serial, shape.scenario(), recorder.sipAddress(), false,
          SbcShapeScenarios.callId(shape.name()));
    } catch (Exception e) {
      throw new IllegalStateException("sipp could not run " + shape.name(), e);
    }
  }

  /** The call's WAV has one channel a stream, each with its own tone. */
  private static void assertTones(JsonNode call, String name) throws Exception {
    byte[] wav = PairFixture.getBytes(pair.main.adminUrl() + "/api/calls/" + call.get("inum").asText() + "/media",
        null).body();
    WavAudio audio = WavFile.read(Files.write(root.resolve(name + ".wav"), wav));
    assertThat(audio.channels()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      short[] channel = audio.samples()[i];
      assertThat(channel.length).as("samples of channel %d of %s", i, name).isGreaterThan(8000);
      assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(channel, 800, channel.length - 800), 8000, TONES))
          .as("tone of channel %d of %s", i, name).isEqualTo(TONES[i]);
    }
  }

  private static Optional<JsonNode> call(RecorderProcess recorder, String key) throws Exception {
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=1000")) {
      if (call.get("correlationKey").asText().equals(key)) {
        return Optional.of(call);
      }
    }
    return Optional.empty();
  }

  private static Optional<JsonNode> interaction(String key) throws Exception {
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=1000")) {
      if (interaction.get("correlationKey").asText().equals(key)) {
        return Optional.of(interaction);
      }
    }
    return Optional.empty();
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(field == null ? node.asText() : node.get(field).asText()));
    return texts;
  }
}
