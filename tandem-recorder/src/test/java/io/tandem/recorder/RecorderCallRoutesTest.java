package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Participant;
import io.tandem.call.Position;
import io.tandem.callbuffer.DiskFloor;
import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.Multipart;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.siprec.RecordingMetadata;
import io.tandem.json.Json;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API's view of what capture sources sent: a call's metadata bodies, and quirks and refusals on /metrics. */
class RecorderCallRoutesTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  /** The Recorder Manager's credential, which these reads carry: it needs no call database to be checked. */
  private static final String SECRET = "the-manager-secret-of-this-test-0123456789";
  private static final String SDP = "v=0\r\no=sbc 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      + "m=audio 6000 RTP/AVP 0\r\na=label:1\r\na=sendonly\r\n";

  @TempDir
  Path dataDir;
  private Recorder recorder;

  @BeforeEach
  void startRecorder() throws Exception {
    recorder = new Recorder(new RecorderConfig(654322, null, "pair-q", Position.MAIN, dataDir, ZoneId.of("UTC"),
        "127.0.0.1", 0, "127.0.0.1", 0, 40_200, 40_300, 1, Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofSeconds(60), Duration.ofDays(30), Long.MAX_VALUE, DiskFloor.DEFAULT, Duration.ofSeconds(60),
        "jdbc:postgresql://127.0.0.1:1/tandem", "tandem", "", "").withManagerSecret(SECRET), Clock.systemUTC()).start();
  }

  @AfterEach
  void stopRecorder() {
    recorder.stop();
  }

  @Test
  void aCallsMetadataBodiesAreServedAsTheyCame() throws Exception {
    byte[] metadata = new RecordingMetadata("routes-session", List.of(new Participant("p1", "sip:a@example.com", "A")),
        Map.of("1", "p1")).toXml();
    byte[] body = Multipart.build("b", List.of(new BodyPart("application/sdp", SDP.getBytes(StandardCharsets.UTF_8)),
        new BodyPart(RecordingMetadata.CONTENT_TYPE, metadata)));

    assertThat(send(invite("routes-1", "multipart/mixed;boundary=b", body))).startsWith("SIP/2.0 200");

    JsonNode call = get("/api/calls").get(0);
    JsonNode kept = get("/api/calls/" + call.get("inum").asText() + "/metadata");
    assertThat(kept).hasSize(1);
    assertThat(kept.get(0).get("seq").asInt()).isEqualTo(1);
    assertThat(kept.get(0).get("contentType").asText()).isEqualTo(RecordingMetadata.CONTENT_TYPE);
    assertThat(kept.get(0).get("body").asText()).isEqualTo(new String(metadata, StandardCharsets.UTF_8));
    assertThat(kept.get(0).get("received").asText()).endsWith("Z");
    assertThat(call.get("quirks")).extracting(JsonNode::asText).containsExactly("no-require-siprec", "no-c-line");
    assertThat(status("/api/calls/100000000000001/metadata")).isEqualTo(404);
    assertThat(status("/api/calls/nope/metadata")).isEqualTo(400);
  }

  @Test
  void quirksAreCountedByKindAndRefusalsByReasonOnMetrics() throws Exception {
    send(invite("routes-2", "application/sdp", SDP.replace("a=label:1\r\n", "").getBytes(StandardCharsets.UTF_8)));
    send(invite("routes-3", "application/sdp", "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\n".getBytes(StandardCharsets.UTF_8)));

    String metrics = CLIENT.send(HttpRequest.newBuilder(uri("/metrics")).header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString())
        .body();

    assertThat(metrics).containsPattern("tandem_sip_quirks_total\\{kind=\"no-metadata\",serial=\"654322\"} 1.0")
        .containsPattern("tandem_sip_quirks_total\\{kind=\"no-label\",serial=\"654322\"} 1.0")
        .containsPattern("tandem_siprec_refused_total\\{reason=\"no-audio\",serial=\"654322\"} 1.0");
  }

  private String invite(String callId, String contentType, byte[] body) {
    return SipMessage.request("INVITE", "sip:srs@" + recorder.sipAddress())
        .header("Via", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId).header("From", "<sip:a@example.com>;tag=1")
        .header("To", "<sip:b@example.com>").header("Call-ID", callId).header("CSeq", "1 INVITE")
        .header("Contact", "<sip:sbc@127.0.0.1:5999>;+sip.src").body(contentType, body).build().toString();
  }

  private String send(String message) throws Exception {
    String[] address = recorder.sipAddress().split(":");
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(5000);
      byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(bytes, bytes.length,
          new InetSocketAddress(address[0], Integer.parseInt(address[1]))));
      byte[] buffer = new byte[65_535];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      return new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
    }
  }

  private JsonNode get(String path) throws Exception {
    return Json.MAPPER.readTree(CLIENT.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + SECRET).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private int status(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private URI uri(String path) {
    return URI.create(recorder.adminUrl() + path);
  }
}
