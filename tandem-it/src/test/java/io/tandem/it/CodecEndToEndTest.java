package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Position;
import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sipp sends a SIPREC call that offers G.722, PCMU and telephone-event on each stream, and plays a capture
 * with G.722 (encoded by ffmpeg) on the first stream and PCMU with RFC 4733 DTMF on the second, to real
 * recorders: the Main decodes it when it marks it, the Backup when it is first replayed, and a recorder
 * without a decoder records it all the same, marked codec-unsupported. The DTMF digits come back as events in
 * the recorder's call view and on the Manager's interaction copy.
 */
class CodecEndToEndTest {
  private static final int PACKETS = 100;
  private static final long PLAY_MILLIS = PACKETS * 20 + 600;
  private static final String FORMATS = "9 0 101\na=rtpmap:9 G722/8000\na=rtpmap:0 PCMU/8000\n"
      + "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15";
  private static final int[][] PRESSES = {{20, 4}, {45, 2}, {70, 11}};
  private static final double[] TONES = {440, 1000, 1800};

  @TempDir
  static Path root;

  static PairFixture pair;
  static RecorderProcess raw;
  static Sipp sipp;

  @BeforeAll
  static void startRecorders() throws Exception {
    if (skipped()) {
      return;
    }
    requirePeers();
    pair = new PairFixture(root, 390001, 390002, 14000);
    raw = new RecorderProcess(390011, "pair-390011", Position.MAIN, root.resolve("raw"),
        pair.postgres.jdbcUrl(), 18000, Map.of("media.decoder", "/nonexistent/ffmpeg")).start();
    Path work = Files.createDirectories(root.resolve("sipp"));
    sipp = new Sipp(work);
    RtpPcap.write(work.resolve("g722-dtmf.pcap"), packets(work));
  }

  /** sipp plays the G.722 and DTMF capture (as root) and ffmpeg decodes it. */
  private static void requirePeers() {
    Sipp.requireCapturePlay();
    RealPeers.requireOnPath("ffmpeg", "ffmpeg", "ffmpeg");
  }

  private static boolean skipped() {
    return Sipp.skipped() || RealPeers.skippedByRequest("ffmpeg");
  }

  @AfterAll
  static void stopRecorders() throws Exception {
    if (raw != null) {
      raw.close();
    }
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void theMainDecodesG722At16kHzAndTheDtmfReachesTheCallViewAndTheInteractionCopy() throws Exception {
    requirePeers();
    Sipp.Result result = sipp.call("main", SippScenarios.recording("codec-main", 2, "g722-dtmf.pcap", PLAY_MILLIS,
        FORMATS), pair.main.sipAddress(), false);
    assertThat(result.succeeded()).as("%s", result).isTrue();
    assertThat(result.messages()).contains("a=rtpmap:9 G722/8000").contains("a=rtpmap:101 telephone-event/8000");

    JsonNode call = await().atMost(Duration.ofSeconds(10)).until(() -> call(pair.main, "codec-main"),
        Optional::isPresent).orElseThrow();
    assertThat(digits(call.get("dtmf"))).containsExactly("4", "2", "#");
    JsonNode interaction = await().atMost(Duration.ofSeconds(30)).until(() -> interaction("codec-main"),
        Optional::isPresent).orElseThrow();
    JsonNode copy = interaction.get("copies").get(0);
    assertThat(digits(copy.get("dtmf"))).containsExactly("4", "2", "#");
    assertThat(copy.get("dtmf").get(0).get("durationMillis").asLong()).isEqualTo(100);
    assertThat(copy.get("quirks")).isEmpty();

    WavAudio audio = wav(PairFixture.getBytes(pair.managerUrl() + "/api/interactions/" + interaction.get("id").asText()
        + "/media", null).body(), "codec-main");
    assertThat(audio.sampleRate()).isEqualTo(16000);
    assertTones(audio, 1000, 440);
  }

  @Test
  void theBackupDecodesItsCopyWhenItIsFirstReplayed() throws Exception {
    requirePeers();
    Sipp.Result result = sipp.call("backup", SippScenarios.recording("codec-backup", 2, "g722-dtmf.pcap",
        PLAY_MILLIS, FORMATS), pair.backup.sipAddress(), false);
    assertThat(result.succeeded()).as("%s", result).isTrue();
    JsonNode call = await().atMost(Duration.ofSeconds(10)).until(() -> call(pair.backup, "codec-backup"),
        Optional::isPresent).orElseThrow();
    long capturedBytes = call.get("media").get("bytes").asLong();

    WavAudio audio = wav(PairFixture.getBytes(pair.backup.adminUrl() + "/api/calls/" + call.get("inum").asText()
        + "/media", null).body(), "codec-backup");

    assertThat(audio.sampleRate()).isEqualTo(16000);
    assertTones(audio, 1000, 440);
    JsonNode replayed = call(pair.backup, "codec-backup").orElseThrow();
    assertThat(replayed.get("media").get("bytes").asLong()).isEqualTo(2 * capturedBytes);
    assertThat(digits(replayed.get("dtmf"))).containsExactly("4", "2", "#");
  }

  @Test
  void aRecorderWithoutADecoderRecordsTheCallMarksItCodecUnsupportedAndSaysSoOnce() throws Exception {
    requirePeers();
    Sipp.Result result = sipp.call("raw", SippScenarios.recording("codec-raw", 2, "g722-dtmf.pcap", PLAY_MILLIS,
        FORMATS), raw.sipAddress(), false);
    assertThat(result.succeeded()).as("%s", result).isTrue();

    JsonNode interaction = await().atMost(Duration.ofSeconds(30)).until(() -> interaction("codec-raw"),
        Optional::isPresent).orElseThrow();
    JsonNode copy = interaction.get("copies").get(0);
    assertThat(copy.get("marked").asBoolean()).isTrue();
    assertThat(copy.get("quirks").toString()).contains("codec-unsupported:G722");
    assertThat(digits(copy.get("dtmf"))).containsExactly("4", "2", "#");
    WavAudio audio = wav(PairFixture.getBytes(pair.managerUrl() + "/api/interactions/" + interaction.get("id").asText()
        + "/media", null).body(), "codec-raw");
    assertThat(audio.sampleRate()).isEqualTo(8000);
    assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(audio.channel(1), 800, audio.frames() - 800), 8000,
        TONES)).isEqualTo(440);
    String metrics = new String(PairFixture.getBytes(raw.adminUrl() + "/metrics", null).body());
    assertThat(metrics).containsPattern("tandem_sip_quirks_total\\{kind=\"codec-unsupported:G722\",[^}]*} 1\\.0");
    String log = Files.readString(raw.dataDir.resolve("recorder.log"));
    assertThat(log.split("media decoder '/nonexistent/ffmpeg' not found", -1)).hasSize(2);
  }

  /** Stream 1: G.722 at 1 kHz; stream 2: PCMU at 440 Hz with three key presses as RFC 4733 events. */
  private static List<RtpPcap.Packet> packets(Path work) throws Exception {
    byte[] g722 = ffmpegG722(work, 1000, PACKETS * 20);
    List<RtpPcap.Packet> packets = new ArrayList<>();
    int sequence = 0;
    for (int i = 0; i < PACKETS; i++) {
      long micros = i * 20_000L;
      packets.add(new RtpPcap.Packet(micros, 6000, rtp(9, false, i, i * 160L, 0x722, Arrays.copyOfRange(g722,
          i * 160, i * 160 + 160))));
      byte[] pcmu = new byte[160];
      for (int s = 0; s < 160; s++) {
        pcmu[s] = G711.encode(G711.PCMU, ToneAnalysis.toneSample(440, 8000, i * 160L + s, 6000));
      }
      packets.add(new RtpPcap.Packet(micros + 100, 6002, rtp(0, false, sequence++, i * 160L, 0xD7, pcmu)));
      for (int[] press : PRESSES) {
        int step = i - press[0];
        if (step >= 0 && step < 5) {
          for (int copy = 0; copy < (step == 4 ? 3 : 1); copy++) {
            byte[] event = {(byte) press[1], (byte) ((step == 4 ? 0x80 : 0) | 10), 0, (byte) ((step + 1) * 160)};
            event[2] = (byte) (((step + 1) * 160) >> 8);
            packets.add(new RtpPcap.Packet(micros + 200 + copy, 6002, rtp(101, step == 0, sequence++,
                press[0] * 160L, 0xD7, event)));
          }
        }
      }
    }
    return packets;
  }

  private static byte[] rtp(int type, boolean marker, int sequence, long timestamp, int ssrc, byte[] payload) {
    return ByteBuffer.allocate(12 + payload.length).put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | type))
        .putShort((short) sequence).putInt((int) timestamp).putInt(ssrc).put(payload).array();
  }

  private static byte[] ffmpegG722(Path work, double frequency, int millis) throws Exception {
    Path out = work.resolve("tone.g722");
    Process process = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f",
        "lavfi", "-i", "sine=frequency=" + frequency + ":sample_rate=16000:duration=" + millis / 1000.0,
        "-c:a", "g722", "-f", "g722", out.toString()).redirectErrorStream(true).start();
    String said = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("ffmpeg could not encode G.722: " + said);
    }
    return Files.readAllBytes(out);
  }

  private static void assertTones(WavAudio audio, double first, double second) {
    int rate = audio.sampleRate();
    assertThat(audio.channels()).isEqualTo(2);
    assertThat(audio.durationMillis()).isBetween(PACKETS * 20L - 100, PACKETS * 20L + 100);
    assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(audio.channel(0), rate / 10, audio.frames()
        - rate / 10), rate, TONES)).isEqualTo(first);
    assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(audio.channel(1), rate / 10, audio.frames()
        - rate / 10), rate, TONES)).isEqualTo(second);
  }

  private static WavAudio wav(byte[] body, String name) throws IOException {
    return WavFile.read(Files.write(root.resolve(name + ".wav"), body));
  }

  private static List<String> digits(JsonNode events) {
    List<String> digits = new ArrayList<>();
    events.forEach(event -> digits.add(event.get("digit").asText()));
    return digits;
  }

  private static Optional<JsonNode> call(RecorderProcess recorder, String sessionId) throws Exception {
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=1000")) {
      if (call.get("correlationKey").asText().equals(sessionId) && call.get("state").asText().equals("COMPLETE")) {
        return Optional.of(call);
      }
    }
    return Optional.empty();
  }

  private static Optional<JsonNode> interaction(String sessionId) throws Exception {
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=1000")) {
      if (interaction.get("correlationKey").asText().equals(sessionId)) {
        return Optional.of(PairFixture.getJson(pair.managerUrl() + "/api/interactions/" + interaction.get("id")
            .asText()));
      }
    }
    return Optional.empty();
  }
}
