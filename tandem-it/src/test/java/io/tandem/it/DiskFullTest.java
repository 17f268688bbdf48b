package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pair whose Main keeps its data directory on a real small filesystem (a 64 MiB tmpfs the test mounts),
 * filled under calls in progress as another process on the disk would: first past the Main's free-space floor of
 * 16 MiB, then to the last byte. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskFullTest {
  private static final int MAIN = 386_001;
  private static final int BACKUP = 386_002;
  private static final long MIB = 1L << 20;
  private static final long FLOOR = 16 * MIB;

  @TempDir
  static Path root;

  static SmallFilesystem disk;
  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    disk = SmallFilesystem.mount(root.resolve("main-disk"), 64);
    pair = new PairFixture(root, MAIN, BACKUP, 30_000, 400, Map.of("recorder.dataDir", disk.mountPoint.toString(),
        "disk.floor", "16MiB"));
  }

  @AfterAll
  static void stopPair() throws Exception {
    try {
      if (pair != null) {
        pair.close();
      }
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  @Order(1)
  void aPrimaryBelowItsFloorTurnsNewCallsAwayFinishesItsCallsAndIsFailedOver() throws Exception {
    CompletableFuture<SimulationReport> load = simulate(6, 3, Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(20)).until(() -> health(pair.main).get("activeCalls").asInt() == 6);

    Path filler = disk.fillLeaving(8 * MIB);
    Instant filledAt = Instant.now();

    HttpResponse<String> low = await().atMost(Duration.ofSeconds(5)).until(() -> healthResponse(pair.main),
        response -> response.statusCode() == 503);
    Duration toLow = Duration.between(filledAt, Instant.now());
    JsonNode answer = Json.MAPPER.readTree(low.body());
    assertThat(answer.get("capturing").asBoolean()).isFalse();
    assertThat(answer.get("alarms")).extracting(JsonNode::asText).containsExactly("DISK_LOW");
    assertThat(answer.get("disk").get("floorBytes").asLong()).isEqualTo(FLOOR);
    assertThat(answer.get("disk").get("freeBytes").asLong()).isLessThan(FLOOR);
    assertThat(answer.get("disk").get("resumeBytes").asLong()).isEqualTo(FLOOR + FLOOR / 4);

    String refused = inviteAnswer(pair.main);
    assertThat(refused).startsWith("SIP/2.0 503 ").contains("\r\nRetry-After: 30\r\n");
    assertThat(metrics(pair.main)).containsPattern("\ntandem_disk_low\\{[^}]*\\} 1\\.0\n")
        .containsPattern("\ntandem_siprec_turned_away_total\\{[^}]*\\} [1-9]");

    JsonNode raised = awaitAlarmEvent("ALARM_RAISED", "DISK_LOW");
    assertThat(raised.get("details").get("serial").asText()).isEqualTo(Integer.toString(MAIN));
    JsonNode failover = awaitFailovers(1).get(0);
    assertThat(failover.get("details").get("toSerial").asText()).isEqualTo(Integer.toString(BACKUP));
    System.out.printf("disk floor: the Main answered 503 to its health check within %d ms of the fill; failover "
        + "detected %d ms after the fill%n", toLow.toMillis(), Duration.between(filledAt,
        Instant.parse(failover.get("details").get("detectedAt").asText())).toMillis());

    SimulationReport report = load.get();
    assertThat(report.failures()).as("conversations not completed on both recorders").isZero();
    ConversationTally tally = ConversationTally.awaitEveryConversationOnce(pair, report.conversations());
    assertThat(tally.duplicated()).isZero();
    assertThat(tally.incompleteBest()).isZero();
    List<JsonNode> calls = callsOf(pair.main, report);
    assertThat(calls).hasSize(6).allSatisfy(call -> {
      assertThat(call.get("state").asText()).as("finished into the reserve").isEqualTo("COMPLETE");
      assertThat(call.get("media").get("durationMillis").asLong()).isGreaterThan(9_000);
    });
    calls.forEach(DiskFullTest::assertWavSound);
    Files.delete(filler);
  }

  @Test
  @Order(2)
  void freedSpaceLetsTheRecorderTakeCallsAgainByItself() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> healthResponse(pair.main).statusCode() == 200);
    JsonNode answer = health(pair.main);
    assertThat(answer.get("capturing").asBoolean()).isTrue();
    assertThat(answer.get("alarms")).isEmpty();
    assertThat(answer.get("role").asText()).as("failback is by hand").isEqualTo("SECONDARY");
    JsonNode cleared = awaitAlarmEvent("ALARM_CLEARED", "DISK_LOW");
    assertThat(cleared.get("details").get("serial").asText()).isEqualTo(Integer.toString(MAIN));
    assertThat(cleared.get("details").get("raisedEventId").asLong())
        .isEqualTo(lastAlarmEvent("ALARM_RAISED", "DISK_LOW").get("id").asLong());

    SimulationReport report = simulate(2, 2, Duration.ofSeconds(1)).get();

    assertThat(report.failures()).isZero();
    assertThat(callsOf(pair.main, report)).hasSize(2)
        .allSatisfy(call -> assertThat(call.get("state").asText()).isEqualTo("COMPLETE"));
  }

  @Test
  @Order(3)
  void aDiskFilledToTheLastByteKeepsWhatEachCallHadAndTheRecorderLives() throws Exception {
    CompletableFuture<SimulationReport> load = simulate(6, 3, Duration.ofSeconds(8));
    await().atMost(Duration.ofSeconds(20)).until(() -> health(pair.main).get("activeCalls").asInt() == 6);
    // Let each call write a second or more of media before the disk runs out.
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);

    Path filler = disk.fillLeaving(0);
    assertThat(disk.freeBytes()).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> healthResponse(pair.main).statusCode() == 503);
    Set<String> alarmsWhileFull = new HashSet<>();
    SimulationReport report = await().atMost(Duration.ofSeconds(30)).until(() -> {
      alarmsWhileFull.addAll(alarms(pair.main));
      return load.isDone() ? load.get() : null;
    }, done -> done != null);
    System.out.printf("disk full: %d conversation(s) not completed on both recorders; alarms seen while full: %s%n",
        report.failures(), alarmsWhileFull);
    assertThat(report.failures()).as("every BYE answered 200 by both recorders").isZero();
    assertThat(alarmsWhileFull).contains("DISK_LOW");

    Files.delete(filler);
    await().atMost(Duration.ofSeconds(10)).until(() -> healthResponse(pair.main).statusCode() == 200);
    assertThat(alarms(pair.main)).isEmpty();
    assertThat(metrics(pair.main)).containsPattern("\ntandem_media_write_failures_total\\{[^}]*\\} 6\\.0\n")
        .containsPattern("\ntandem_call_ends_waiting\\{[^}]*\\} 0\\.0\n");
    List<JsonNode> calls = callsOf(pair.main, report);
    assertThat(calls).hasSize(6).allSatisfy(call -> {
      assertThat(call.get("state").asText()).as("media cut by the full disk").isEqualTo("TRUNCATED");
      assertThat(call.get("media").get("durationMillis").asLong()).as("what it had").isBetween(1_000L, 7_900L);
    });
    calls.forEach(DiskFullTest::assertWavSound);
    ConversationTally tally = ConversationTally.awaitEveryConversationOnce(pair, report.conversations());
    assertThat(tally.duplicated()).isZero();
    assertThat(tally.incompleteBest()).as("the Backup's complete copies are the best").isZero();

    SimulationReport after = simulate(1, 1, Duration.ofSeconds(1)).get();
    assertThat(after.failures()).isZero();
    assertThat(callsOf(pair.main, after)).singleElement()
        .satisfies(call -> assertThat(call.get("state").asText()).isEqualTo("COMPLETE"));
  }

  /** The WAV's header says exactly what the file holds, and the call's statistics count the same bytes. */
  private static void assertWavSound(JsonNode call) {
    try {
      byte[] wav = Files.readAllBytes(disk.mountPoint.resolve(call.get("mediaPath").asText()));
      ByteBuffer header = ByteBuffer.wrap(wav, 0, 44).order(ByteOrder.LITTLE_ENDIAN);
      int channels = header.getShort(22);
      assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
      assertThat(header.getInt(4)).as("RIFF size").isEqualTo(wav.length - 8);
      assertThat(new String(wav, 36, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
      assertThat(header.getInt(40)).as("data size").isEqualTo(wav.length - 44);
      assertThat((wav.length - 44) % (2 * channels)).as("whole frames").isZero();
      assertThat(call.get("media").get("bytes").asLong()).as("bytes counted").isEqualTo(wav.length - 44);
    } catch (IOException e) {
      throw new AssertionError("media of " + call.get("inum").asText() + " unreadable", e);
    }
  }

  /** The recorder's calls of the conversations the report lists. */
  private static List<JsonNode> callsOf(RecorderProcess recorder, SimulationReport report) throws Exception {
    Set<String> keys = new HashSet<>();
    report.conversations().forEach(conversation -> keys.add(conversation.sessionId()));
    List<JsonNode> calls = new ArrayList<>();
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=100000")) {
      if (keys.contains(call.get("correlationKey").asText())) {
        calls.add(call);
      }
    }
    return calls;
  }

  private static CompletableFuture<SimulationReport> simulate(int conversations, double cps, Duration length) {
    return CompletableFuture.supplyAsync(() -> new CallSimulator(new SimulationPlan(pair.sipAddresses(),
        conversations, cps, length, "udp", 0)).run());
  }

  private static HttpResponse<String> healthResponse(RecorderProcess recorder) throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(recorder.adminUrl() + "/health"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode health(RecorderProcess recorder) throws Exception {
    return Json.MAPPER.readTree(healthResponse(recorder).body());
  }

  private static String metrics(RecorderProcess recorder) throws Exception {
    return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(recorder.adminUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static List<String> alarms(RecorderProcess recorder) throws Exception {
    List<String> alarms = new ArrayList<>();
    health(recorder).get("alarms").forEach(alarm -> alarms.add(alarm.asText()));
    return alarms;
  }

  /** The final answer of the recorder to a new INVITE (its body does not matter to a recorder that takes none). */
  private static String inviteAnswer(RecorderProcess recorder) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(3000);
      String callId = "disk-full-" + System.nanoTime();
      String invite = "INVITE sip:srs@" + recorder.sipAddress() + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-" + callId + "\r\n"
          + "From: <sip:src@127.0.0.1>;tag=src\r\n"
          + "To: <sip:srs@127.0.0.1>\r\n"
          + "Call-ID: " + callId + "\r\n"
          + "CSeq: 1 INVITE\r\n"
          + "Max-Forwards: 70\r\n"
          + "Require: siprec\r\n"
          + "Contact: <sip:src@127.0.0.1:" + socket.getLocalPort() + ">;+sip.src\r\n"
          + "Content-Length: 0\r\n\r\n";
      byte[] bytes = invite.getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", recorder.sipPort)));
      byte[] buffer = new byte[65_535];
      while (true) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        String response = new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
        if (!response.startsWith("SIP/2.0 1")) {
          return response;
        }
      }
    }
  }

  /** Waits for an event of this type (ALARM_RAISED or ALARM_CLEARED) of this alarm and returns the last one. */
  private static JsonNode awaitAlarmEvent(String type, String alarm) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> lastAlarmEvent(type, alarm), event -> event != null);
  }

  private static JsonNode lastAlarmEvent(String type, String alarm) throws Exception {
    JsonNode last = null;
    for (JsonNode event : pair.events()) {
      if (type.equals(event.get("type").asText()) && alarm.equals(event.get("details").path("alarm").asText())) {
        last = event;
      }
    }
    return last;
  }

  private static List<JsonNode> awaitFailovers(int done) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> {
      List<JsonNode> failovers = new ArrayList<>();
      for (JsonNode event : pair.events()) {
        if ("FAILOVER".equals(event.get("type").asText())) {
          failovers.add(event);
        }
      }
      return failovers;
    }, failovers -> failovers.size() >= done);
  }
}
