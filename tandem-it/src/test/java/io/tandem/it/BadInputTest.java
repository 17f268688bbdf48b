package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed SIP, offers with nothing to record and config values each get one clear error, change nothing, and stop
 * nothing.
 */
class BadInputTest {
  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 320001, 320002, 14000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void malformedSipIsAnsweredWithItsReasonAndChangesNothing() throws Exception {
    String badCseq = request("INVITE", "bad-cseq", "CSeq: one INVITE\r\nRequire: siprec\r\n", "", "");
    assertThat(exchange(badCseq)).startsWith("SIP/2.0 400").contains("CSeq");
    assertThat(exchange("this is not SIP at all\r\n\r\n")).isNull();
    assertCallBufferEmptyAndHealthy();
  }

  @Test
  void anInviteWithNothingToRecordIsRefusedSayingWhatWasExpectedAndCountedByReason() throws Exception {
    String noOffer = request("INVITE", "no-offer", "CSeq: 1 INVITE\r\nRequire: siprec\r\n", "", "");
    String noAudio = request("INVITE", "no-audio", "CSeq: 1 INVITE\r\n", "application/sdp",
        sdp().replace("m=audio 6000", "m=video 6000"));
    String unreadable = request("INVITE", "bad-sdp", "CSeq: 1 INVITE\r\n", "application/sdp", "o=- 1 1\r\n");

    assertThat(exchange(noOffer)).startsWith("SIP/2.0 488").contains("expected an SDP offer");
    assertThat(exchange(noAudio)).startsWith("SIP/2.0 488").contains("expected at least one m=audio line");
    assertThat(exchange(unreadable)).startsWith("SIP/2.0 400").contains("expected SDP to start with 'v=0'");

    assertCallBufferEmptyAndHealthy();
    String metrics = new String(PairFixture.getBytes(pair.main.adminUrl() + "/metrics", null).body(),
        StandardCharsets.UTF_8);
    assertThat(metrics).containsPattern("tandem_siprec_refused_total\\{reason=\"no-sdp\",[^}]*} 1.0")
        .containsPattern("tandem_siprec_refused_total\\{reason=\"no-audio\",[^}]*} 1.0")
        .containsPattern("tandem_siprec_refused_total\\{reason=\"sdp-unreadable\",[^}]*} 1.0");
  }

  @Test
  void aBadConfigValueIsNamedAndTheRecorderDoesNotStart() throws Exception {
    Path dataDir = root.resolve("never-created");
    Path config = root.resolve("bad.properties");
    Files.writeString(config, String.join("\n",
        "recorder.serial=330001", "recorder.pair=p", "recorder.position=MAIN",
        "recorder.dataDir=" + dataDir, "sip.port=fifty", "admin.port=0",
        "database.url=" + pair.postgres.jdbcUrl()));
    Path log = root.resolve("bad-config.log");
    Process process = RecorderProcess.launch(List.of("recorder", "--config", config.toString()), log);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log)).contains("'sip.port' must be a whole number from 1 to 65535, got 'fifty'");
    assertThat(dataDir).doesNotExist();
  }

  private static void assertCallBufferEmptyAndHealthy() throws Exception {
    assertThat(pair.main.healthy()).isTrue();
    assertThat(PairFixture.getJson(pair.main.adminUrl() + "/api/calls")).isEmpty();
  }

  private static String exchange(String message) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(1500);
      byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", pair.main.sipPort)));
      byte[] buffer = new byte[65_535];
      DatagramPacket response = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(response);
        return new String(buffer, 0, response.getLength(), StandardCharsets.UTF_8);
      } catch (SocketTimeoutException e) {
        return null;
      }
    }
  }

  private static String request(String method, String callId, String extraHeaders, String contentType, String body) {
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    return method + " sip:srs@127.0.0.1:" + pair.main.sipPort + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:src@127.0.0.1>;tag=1\r\n"
        + "To: <sip:srs@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "Contact: <sip:src@127.0.0.1:5999>;+sip.src\r\n"
        + extraHeaders
        + (contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n")
        + "Content-Length: " + length + "\r\n\r\n" + body;
  }

  private static String sdp() {
    return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=label:1\r\na=sendonly\r\n";
  }
}
