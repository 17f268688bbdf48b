package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Participant;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sipp, a SIP client the recorder's code has never seen, records through a real pair as an SBC would:
 * SIPREC over UDP and TCP with real RTP played from a capture, OPTIONS, CANCEL and an offer with nothing to
 * record.
 */
class SippRecordingTest {
  private static final double[] TONES = {700, 1300, 1900};
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
    Sipp.require();
    pair = new PairFixture(root, 370001, 370002, 5000);
    Path work = Files.createDirectories(root.resolve("sipp"));
    sipp = new Sipp(work);
    RtpPcap.write(work.resolve("two-streams.pcap"), 6000, G711.PCMU, PACKETS, TONES[0], TONES[1]);
    RtpPcap.write(work.resolve("three-streams.pcap"), 6000, G711.PCMU, PACKETS, TONES);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aSiprecCallOverUdpIsRecordedWithItsMetadataAndOneToneAChannel() throws Exception {
    Sipp.requireCapturePlay();
    Sipp.Result result = sipp.call("udp", SippScenarios.recording("sipp-udp", 2, "two-streams.pcap", PLAY_MILLIS),
        pair.main.sipAddress(), false);
    assertThat(result.succeeded()).as("%s", result).isTrue();
    assertRecorded("sipp-udp", 2);
  }

  @Test
  void aSiprecCallOverTcpIsRecordedToo() throws Exception {
    Sipp.requireCapturePlay();
    Sipp.Result result = sipp.call("tcp", SippScenarios.recording("sipp-tcp", 2, "two-streams.pcap", PLAY_MILLIS),
        pair.main.sipAddress(), true);
    assertThat(result.succeeded()).as("%s", result).isTrue();
    assertRecorded("sipp-tcp", 2);
  }

  @Test
  void threeOfferedStreamsAreAnsweredRecvonlyAndRecordedAsThreeChannels() throws Exception {
    Sipp.requireCapturePlay();
    Sipp.Result result = sipp.call("three", SippScenarios.recording("sipp-three", 3, "three-streams.pcap",
        PLAY_MILLIS), pair.main.sipAddress(), false);
    assertThat(result.succeeded()).as("%s", result).isTrue();
    assertThat(result.messages()).contains("a=label:3").contains("a=recvonly");
    assertRecorded("sipp-three", 3);
  }

  @Test
  void aHoldAndAParticipantChangeInTheSessionLandInTheStoredMetadataAndTheCallGoesOn() throws Exception {
    Sipp.requireCapturePlay();
    String bobLeft = "2026-11-27T09:30:00Z";
    Sipp.Result result = sipp.call("changes", SippScenarios.changingRecording("sipp-changes", "two-streams.pcap",
        PLAY_MILLIS, bobLeft), pair.main.sipAddress(), false);
    assertThat(result.succeeded()).as("%s", result).isTrue();

    JsonNode call = await().atMost(Duration.ofSeconds(10)).until(() -> call("sipp-changes"), Optional::isPresent)
        .orElseThrow();
    assertThat(call.get("state").asText()).isEqualTo("COMPLETE");
    List<String> participants = new ArrayList<>();
    call.get("participants").forEach(p -> participants.add(p.get("aor").asText()
        + (p.has("joined") ? " joined" : "") + (p.has("left") ? " left " + p.get("left").asText() : "")));
    assertThat(participants).containsExactly("sip:alice@example.com", "sip:bob@example.com left " + bobLeft,
        "sip:carol@example.com joined");
    assertTones(call, "sipp-changes", 2);
  }

  @Test
  void draftMetadataUnderTheShortTypeBesideAnIsupPartIsRecorded() throws Exception {
    Sipp.requireCapturePlay();
    Sipp.Result result = sipp.call("draft", SippScenarios.draftRecording("sipp-draft", "two-streams.pcap",
        PLAY_MILLIS), pair.main.sipAddress(), false);
    assertThat(result.succeeded()).as("%s", result).isTrue();
    assertRecorded("sipp-draft", 2);
  }

  @Test
  void optionsIsAnswered200() throws Exception {
    Sipp.require();
    Sipp.Result result = sipp.call("options", SippScenarios.options(), pair.main.sipAddress(), false);
    assertThat(result.succeeded()).as("%s", result).isTrue();
    assertThat(result.messages()).contains("SIP/2.0 200").contains("Supported: siprec");
  }

  @Test
  void aCancelOfAnAnsweredInviteIsAnswered200AndTheDialogStillEndsByBye() throws Exception {
    Sipp.require();
    Sipp.Result result = sipp.call("cancel", SippScenarios.lateCancel("sipp-cancel"), pair.main.sipAddress(), false);
    assertThat(result.succeeded()).as("%s", result).isTrue();
    // The CANCEL's 200 carries the dialog's tag.
    assertThat(result.messages()).containsPattern("SIP/2.0 200 OK\\r?\\n(?:[^\\r\\n]+\\r?\\n)*?"
        + "To: [^\\r\\n]*;tag=[0-9a-f]{32}\\r?\\n(?:[^\\r\\n]+\\r?\\n)*?CSeq: 1 CANCEL");
    assertThat(call("sipp-cancel")).hasValueSatisfying(c -> assertThat(c.get("state").asText()).isEqualTo("COMPLETE"));
    await().atMost(Duration.ofSeconds(5)).until(() ->
        PairFixture.getJson(pair.main.adminUrl() + "/api/status").get("activeCalls").asInt() == 0);
  }

  @Test
  void anInviteWithNothingToRecordIsAnswered488AndNothingIsRecorded() throws Exception {
    Sipp.require();
    Sipp.Result result = sipp.call("nothing", SippScenarios.nothingToRecord("sipp-nothing"), pair.main.sipAddress(),
        false);
    assertThat(result.succeeded()).as("%s", result).isTrue();
    assertThat(result.messages()).contains("expected an SDP offer");
    assertThat(call("sipp-nothing")).isEmpty();
  }

  private static void assertRecorded(String sessionId, int streams) throws Exception {
    JsonNode call = await().atMost(Duration.ofSeconds(10)).until(() -> call(sessionId), Optional::isPresent)
        .orElseThrow();
    assertThat(call.get("state").asText()).isEqualTo("COMPLETE");
    List<String> participants = new ArrayList<>();
    call.get("participants").forEach(p -> participants.add(p.get("id").asText() + " " + p.get("aor").asText()));
    assertThat(participants).containsExactlyElementsOf(SippScenarios.PARTICIPANTS.subList(0, streams).stream()
        .map(p -> p.id() + " " + p.aor()).toList());
    assertThat(call.get("streams")).hasSize(streams);
    for (int i = 0; i < streams; i++) {
      Participant sender = SippScenarios.PARTICIPANTS.get(i);
      assertThat(call.get("streams").get(i).get("label").asText()).isEqualTo(Integer.toString(i + 1));
      assertThat(call.get("streams").get(i).get("participantId").asText()).isEqualTo(sender.id());
    }
    assertTones(call, sessionId, streams);
  }

  /** The call's WAV, from the recorder's media route, has one channel a stream, each with its own tone. */
  private static void assertTones(JsonNode call, String sessionId, int streams) throws Exception {
    byte[] wav = PairFixture.getBytes(pair.main.adminUrl() + "/api/calls/" + call.get("inum").asText() + "/media",
        null).body();
    WavAudio audio = WavFile.read(Files.write(root.resolve(sessionId + ".wav"), wav));
    assertThat(audio.channels()).isEqualTo(streams);
    for (int i = 0; i < streams; i++) {
      short[] channel = audio.samples()[i];
      assertThat(channel.length).as("samples of channel %d", i).isGreaterThan(8000);
      assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(channel, 800, channel.length - 800), 8000, TONES))
          .as("tone of channel %d of %s", i, sessionId).isEqualTo(TONES[i]);
    }
  }

  private static Optional<JsonNode> call(String sessionId) throws Exception {
    for (JsonNode call : PairFixture.getJson(pair.main.adminUrl() + "/api/calls?limit=1000")) {
      if (call.get("correlationKey").asText().equals(sessionId)) {
        return Optional.of(call);
      }
    }
    return Optional.empty();
  }
}
