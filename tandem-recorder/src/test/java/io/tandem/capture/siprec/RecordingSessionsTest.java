package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Participant;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.RtpPortPool;
import io.tandem.capture.sip.SipServer;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.ConversationSent;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIPREC sessions over a real SIP server and real RTP capture, driven by the call simulator. */
class RecordingSessionsTest {
  @TempDir
  Path dataDir;

  private LocalStore store;
  private CallBuffer buffer;
  private MediaCapture media;
  private SipServer sip;
  private RecordingSessions sessions;
  private final List<CallRecord> ended = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, 400_001, null), Clock.systemUTC());
    media = new MediaCapture("127.0.0.1", new RtpPortPool(30_000, 30_999), dataDir, Clock.systemUTC(),
        CaptureSettings.defaults());
    sessions = new RecordingSessions(buffer, media, () -> CallRole.MASTER, (inum, end, state, stats) -> {
      CallRecord call = buffer.finish(inum, end, state, stats);
      ended.add(call);
      return call;
    }, "127.0.0.1", Clock.systemUTC());
    sip = new SipServer(sessions);
    sip.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    sip.stop();
    media.stop();
    store.close();
  }

  @Test
  void eachConversationBecomesACompleteCallWithItsMetadataAndAStereoWav() throws Exception {
    SimulationReport report = simulate(2, "udp");
    assertThat(report.failures()).isZero();
    assertThat(ended).hasSize(2);
    for (ConversationSent sent : report.conversations()) {
      CallRecord call = buffer.findByCorrelationKey(sent.sessionId()).orElseThrow();
      assertThat(call.state()).isEqualTo(CallState.COMPLETE);
      assertThat(call.callRole()).isEqualTo(CallRole.MASTER);
      assertThat(call.participants()).hasSize(2);
      assertThat(call.streams()).extracting(s -> s.label()).containsExactly("1", "2");
      assertThat(call.streams()).allSatisfy(s -> assertThat(s.participantId()).isNotEmpty());
      WavAudio audio = WavFile.read(dataDir.resolve(call.mediaPath()));
      assertThat(audio.channels()).isEqualTo(2);
      assertThat(audio.durationMillis()).isBetween(960L, 1040L);
      double[] candidates = {sent.frequency1(), sent.frequency2()};
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(0), 8000, candidates)).isEqualTo(sent.frequency1());
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(1), 8000, candidates)).isEqualTo(sent.frequency2());
      assertThat(call.stats().packetsReceived()).isEqualTo(100);
      assertThat(call.stats().packetsLost()).isZero();
    }
    assertThat(sessions.active()).isZero();
  }

  @Test
  void conversationsOverTcpAreRecordedToo() {
    SimulationReport report = simulate(1, "tcp");
    assertThat(report.failures()).isZero();
    assertThat(ended).singleElement().satisfies(call -> assertThat(call.state()).isEqualTo(CallState.COMPLETE));
  }

  @Test
  void aCallWhoseMediaNeverComesIsEndedAfterTheTimeoutAndNotBefore() throws Exception {
    String response = exchange(SiprecInvites.invite(sip.port(), "silent-1", "session-silent"));
    assertThat(response).startsWith("SIP/2.0 200");
    assertThat(sessions.active()).isEqualTo(1);
    sessions.endSilentCalls(Duration.ofMinutes(1));
    assertThat(ended).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      sessions.endSilentCalls(Duration.ofMillis(200));
      return !ended.isEmpty();
    });
    assertThat(ended.get(0).correlationKey()).isEqualTo("session-silent");
    assertThat(ended.get(0).state()).isEqualTo(CallState.COMPLETE);
    assertThat(sessions.active()).isZero();
  }

  @Test
  void theAnswerMarksItsContactAsARecordingServer() throws Exception {
    String response = exchange(SiprecInvites.invite(sip.port(), "contact-1", "session-contact"));
    assertThat(response).startsWith("SIP/2.0 200").containsPattern("\r\nContact: <sip:[^>]+>;\\+sip\\.srs\r\n");
  }

  @Test
  void aCancelOfAnAnsweredInviteIsAnswered200WithTheDialogsTagAndLeavesTheCallRecording() throws Exception {
    String invite = SiprecInvites.invite(sip.port(), "cancel-1", "session-cancel");
    String answer = exchange(invite);
    String cancel = invite.replace("INVITE sip:", "CANCEL sip:").replace(" INVITE\r\n", " CANCEL\r\n");
    String response = exchange(cancel.substring(0, cancel.indexOf("Content-Type")) + "Content-Length: 0\r\n\r\n");
    assertThat(response).startsWith("SIP/2.0 200").contains("CSeq: 1 CANCEL");
    assertThat(toHeader(response)).isEqualTo(toHeader(answer)).contains(";tag=");
    assertThat(sessions.active()).isEqualTo(1);
  }

  private static String toHeader(String message) {
    return message.lines().filter(line -> line.startsWith("To:")).findFirst().orElseThrow();
  }

  @Test
  void aReinviteWithMetadataAddsItsParticipantAndChangesTheStreamsSender() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "re-1", "session-re"));
    String toTag = answer.replaceAll("(?s).*\\r\\nTo: [^\\r]*;tag=([^;\\r]+).*", "$1");
    byte[] joined = new RecordingMetadata("session-re", List.of(
        new Participant("p2", "sip:carol@example.com", "Carol")), Map.of("1", "p2")).toXml();

    assertThat(exchange(SiprecInvites.reinvite(sip.port(), "re-1", toTag, joined))).startsWith("SIP/2.0 200");

    CallRecord call = buffer.findByCorrelationKey("session-re").orElseThrow();
    assertThat(call.participants()).extracting(Participant::aor)
        .containsExactly("sip:alice@example.com", "sip:carol@example.com");
    assertThat(call.streams()).singleElement().satisfies(s -> assertThat(s.participantId()).isEqualTo("p2"));
  }

  @Test
  void aReinviteWithUnreadableMetadataIsAnswered400AndTheCallGoesOn() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "re-2", "session-bad"));
    String toTag = answer.replaceAll("(?s).*\\r\\nTo: [^\\r]*;tag=([^;\\r]+).*", "$1");
    byte[] broken = "<recording xmlns='urn:ietf:params:xml:ns:recording:1'><session>".getBytes(
        java.nio.charset.StandardCharsets.UTF_8);

    assertThat(exchange(SiprecInvites.reinvite(sip.port(), "re-2", toTag, broken))).startsWith("SIP/2.0 400");
    assertThat(sessions.active()).isEqualTo(1);
    assertThat(buffer.findByCorrelationKey("session-bad").orElseThrow().participants()).hasSize(1);
  }

  @Test
  void aByeForAnUnknownDialogIsAnswered481() throws Exception {
    String bye = SiprecInvites.invite(sip.port(), "unknown-1", "s").replace("INVITE sip:", "BYE sip:")
        .replace(" INVITE\r\n", " BYE\r\n");
    assertThat(exchange(bye.substring(0, bye.indexOf("Content-Type")) + "Content-Length: 0\r\n\r\n"))
        .startsWith("SIP/2.0 481");
  }

  private String exchange(String message) throws Exception {
    try (var socket = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(3000);
      byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      socket.send(new java.net.DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", sip.port())));
      byte[] buffer = new byte[65_535];
      var packet = new java.net.DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      return new String(buffer, 0, packet.getLength(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void truncateAllEndsCallsInProgressAsTruncated() {
    Thread.ofVirtual().start(() -> simulate(1, "udp"));
    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.active() == 1);
    sessions.truncateAll();
    assertThat(ended).singleElement().satisfies(call -> assertThat(call.state()).isEqualTo(CallState.TRUNCATED));
  }

  private SimulationReport simulate(int conversations, String transport) {
    return new CallSimulator(new SimulationPlan(List.of(new InetSocketAddress("127.0.0.1", sip.port())),
        conversations, 10, Duration.ofSeconds(1), transport, 0)).run();
  }
}
