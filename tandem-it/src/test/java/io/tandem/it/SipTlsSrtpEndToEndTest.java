package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pair configured as a network would have it: SIP from one SBC address only, SIP over TLS with a
 * certificate from a PKCS#12 keystore, and the call simulator (`tandem simulate`, as an operator runs it) sending
 * SIPREC over TLS with SRTP media to both recorders. Every conversation is recorded whole by both, marked by the
 * Main and replayed with its tones; SIP from elsewhere is refused and counted on the recorders' metrics.
 */
class SipTlsSrtpEndToEndTest {
  private static final int CONVERSATIONS = 4;

  @TempDir
  static Path root;

  static PairFixture pair;
  static int mainTls;
  static int backupTls;
  static Path trusted;

  @BeforeAll
  static void startPair() throws Exception {
    Path keys = Files.createDirectories(root.resolve("keys"));
    Path keystore = keys.resolve("recorders.p12");
    keytool("-genkeypair", "-alias", "sip", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", "test-only-password", "-keypass", "test-only-password");
    trusted = keys.resolve("recorders.pem");
    keytool("-exportcert", "-rfc", "-alias", "sip", "-keystore", keystore.toString(), "-storepass",
        "test-only-password", "-file", trusted.toString());
    mainTls = RecorderProcess.freePort();
    backupTls = RecorderProcess.freePort();
    Map<String, String> both = new HashMap<>();
    both.put("sip.allow", "127.0.0.1");
    both.put("sip.tls.keystore", keystore.toString());
    both.put("sip.tls.keystorePassword", "test-only-password");
    both.put("sip.tls.port", Integer.toString(backupTls));
    pair = new PairFixture(root, 392_001, 392_002, 3_000, both, Map.of("sip.tls.port", Integer.toString(mainTls)));
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void conversationsOverTlsWithSrtpAreRecordedByBothMarkedAndReplayedWithTheirTones() throws Exception {
    Path details = root.resolve("conversations.jsonl");
    Path log = root.resolve("simulate.log");
    Process simulate = RecorderProcess.launch(List.of("simulate", "--recorder", "127.0.0.1:" + mainTls,
        "--recorder", "127.0.0.1:" + backupTls, "--transport", "tls", "--tls-trust", trusted.toString(), "--srtp",
        "AES_CM_128_HMAC_SHA1_80", "--conversations", Integer.toString(CONVERSATIONS), "--cps", "4", "--duration",
        "2", "--details", details.toString()), log);
    assertThat(simulate.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(simulate.exitValue()).as(Files.readString(log)).isZero();
    List<JsonNode> sent = new ArrayList<>();
    for (String line : Files.readAllLines(details)) {
      sent.add(Json.MAPPER.readTree(line));
    }
    assertThat(sent).hasSize(CONVERSATIONS);

    for (JsonNode conversation : sent) {
      String key = conversation.get("sessionId").asText();
      // The Main's copy, marked; the Backup's is linked beside it once its gap audit reaches it, which on a busy
      // machine may come first.
      String mainSerial = Integer.toString(pair.main.serial);
      JsonNode interaction = await().atMost(Duration.ofSeconds(30)).until(() -> interaction(key),
          i -> i != null && copyOf(i, mainSerial) != null);
      JsonNode copy = copyOf(interaction, mainSerial);
      assertThat(copy.get("callRole").asText()).isEqualTo("MASTER");
      assertThat(copy.get("complete").asBoolean()).isTrue();
      assertThat(copy.get("marked").asBoolean()).isTrue();
      JsonNode backupCall = call(pair.backup, key);
      assertThat(backupCall).as("the Backup's copy").isNotNull();
      assertThat(backupCall.get("state").asText()).isEqualTo("COMPLETE");
      assertThat(backupCall.get("media").get("packetsReceived").asInt()).isEqualTo(200);
      HttpResponse<byte[]> media = PairFixture.getBytes(pair.managerUrl() + "/api/interactions/"
          + interaction.get("id").asText() + "/media", null);
      assertThat(media.statusCode()).isEqualTo(200);
      WavAudio audio = WavFile.read(Files.write(root.resolve(key.replace('/', '_') + ".wav"), media.body()));
      double[] tones = {conversation.get("frequency1").asDouble(), conversation.get("frequency2").asDouble()};
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(0), 8000, tones)).isEqualTo(tones[0]);
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(1), 8000, tones)).isEqualTo(tones[1]);
    }
    for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
      String metrics = metrics(recorder);
      assertThat(metric(metrics, "tandem_srtp_unauthentic_total")).as("on %s", recorder.serial).isZero();
      assertThat(metric(metrics, "tandem_rtp_packets_total")).as("on %s", recorder.serial)
          .isEqualTo(CONVERSATIONS * 2 * 100.0);
    }
  }

  @Test
  void sipFromAnAddressOffTheAllowListIsRefused403AndCounted() throws Exception {
    String options = "OPTIONS sip:srs@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.2:5999;branch=z9hG4bK-stranger\r\n"
        + "From: <sip:sbc@127.0.0.2>;tag=f1\r\n"
        + "To: <sip:srs@127.0.0.1>\r\n"
        + "Call-ID: stranger-1\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";
    try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
      stranger.setSoTimeout(3000);
      byte[] bytes = options.getBytes(StandardCharsets.UTF_8);
      stranger.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", pair.main.sipPort)));
      byte[] buffer = new byte[4096];
      DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
      stranger.receive(answer);
      assertThat(new String(buffer, 0, answer.getLength(), StandardCharsets.UTF_8)).startsWith("SIP/2.0 403");
    }
    assertThat(metric(metrics(pair.main), "tandem_sip_source_refused_total{serial=\"392001\",transport=\"udp\"}"))
        .isEqualTo(1.0);
  }

  private static JsonNode interaction(String key) throws Exception {
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=1000")) {
      if (interaction.get("correlationKey").asText().equals(key)) {
        return interaction;
      }
    }
    return null;
  }

  private static JsonNode call(RecorderProcess recorder, String key) throws Exception {
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=1000")) {
      if (call.get("correlationKey").asText().equals(key)) {
        return call;
      }
    }
    return null;
  }

  private static String metrics(RecorderProcess recorder) throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(recorder.adminUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The value of the first sample whose name (and labels, if given) starts the line. */
  private static double metric(String metrics, String sample) {
    return metrics.lines().filter(line -> line.startsWith(sample + " ") || line.startsWith(sample + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + sample + " in the metrics"));
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as(output).isTrue();
  }

  /** The copy of {@code interaction} recorded by {@code serial}, or null. */
  private static JsonNode copyOf(JsonNode interaction, String serial) {
    for (JsonNode copy : interaction.get("copies")) {
      if (copy.get("serial").asText().equals(serial)) {
        return copy;
      }
    }
    return null;
  }
}
