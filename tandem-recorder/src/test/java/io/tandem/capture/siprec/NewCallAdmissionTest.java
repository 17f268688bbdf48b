package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.HeardAudio;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.RtpPortPool;
import io.tandem.capture.sip.SipServer;
import io.tandem.media.WavFile;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard at the start of a new INVITE: while the recorder takes no new call, an SBC is told to go elsewhere. */
class NewCallAdmissionTest {
  @TempDir
  Path dataDir;

  private final AtomicBoolean taking = new AtomicBoolean(true);
  private final List<CallRecord> ended = new CopyOnWriteArrayList<>();
  private LocalStore store;
  private CallBuffer buffer;
  private MediaCapture media;
  private SipServer sip;
  private RecordingSessions sessions;

  @BeforeEach
  void start() throws Exception {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, 400_002, null), Clock.systemUTC());
    media = new MediaCapture("127.0.0.1", new RtpPortPool(31_000, 31_199), dataDir, Clock.systemUTC(),
        CaptureSettings.defaults());
    sessions = new RecordingSessions(buffer, media, () -> CallRole.MASTER, (inum, end, state, stats, dtmf) -> {
      CallRecord call = buffer.finish(inum, end, state, stats, dtmf);
      ended.add(call);
      return call;
    }, "127.0.0.1", Clock.systemUTC());
    sessions.takeNewCallsWhile(taking::get);
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
  void aNewInviteIsAnswered503WithARetryAfterAndNothingIsRecorded() throws Exception {
    taking.set(false);

    String response = exchange(SiprecInvites.invite(sip.port(), "refused-1", "session-refused"));

    assertThat(response).startsWith("SIP/2.0 503 Service Unavailable").contains("\r\nRetry-After: 30\r\n");
    assertThat(buffer.list(Instant.EPOCH, Instant.now().plusSeconds(60), 10)).isEmpty();
    assertThat(sessions.active()).isZero();
    assertThat(sessions.refusedCount()).as("not an offer refused for what it says").isZero();
  }

  @Test
  void anOptionsPingIsAnswered503WhileNewCallsAreTurnedAwayAnd200Again() throws Exception {
    taking.set(false);
    assertThat(exchange(ping(1))).startsWith("SIP/2.0 503").contains("\r\nRetry-After: 30\r\n");

    taking.set(true);
    assertThat(exchange(ping(2))).startsWith("SIP/2.0 200");
  }

  private String ping(int n) {
    return "OPTIONS sip:recorder@127.0.0.1:" + sip.port() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-ping-" + n + "\r\nFrom: <sip:sbc@127.0.0.1>;tag=p" + n
        + "\r\nTo: <sip:recorder@127.0.0.1>\r\nCall-ID: ping-" + n + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  @Test
  void aCallInProgressGoesOnToItsByeWhileNewCallsAreTurnedAway() throws Exception {
    CompletableFuture<SimulationReport> call = CompletableFuture.supplyAsync(() -> simulate(Duration.ofSeconds(2)));
    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.active() == 1);

    taking.set(false);
    assertThat(exchange(SiprecInvites.invite(sip.port(), "refused-2", "session-refused-2"))).startsWith("SIP/2.0 503");

    assertThat(call.get().failures()).isZero();
    assertThat(ended).singleElement().satisfies(finished -> {
      assertThat(finished.state()).isEqualTo(CallState.COMPLETE);
      // All of its 2 s, by RTP timestamps from the later stream's first sound: where each stream begins depends on
      // when its first packet arrived, which a loaded machine delays.
      assertThat(HeardAudio.framesFromLaterStart(WavFile.read(dataDir.resolve(finished.mediaPath()))))
          .isBetween(99 * 160, 100 * 160);
    });
  }

  @Test
  void newCallsAreTakenAgainOnceTheGuardOpens() {
    taking.set(false);
    assertThat(simulate(Duration.ofMillis(200)).failures()).isEqualTo(1);

    taking.set(true);
    assertThat(simulate(Duration.ofMillis(200)).failures()).isZero();
    assertThat(ended).singleElement().satisfies(finished -> assertThat(finished.state()).isEqualTo(CallState.COMPLETE));
  }

  private SimulationReport simulate(Duration length) {
    return new CallSimulator(new SimulationPlan(List.of(new InetSocketAddress("127.0.0.1", sip.port())), 1, 10,
        length, "udp", 0)).run();
  }

  private String exchange(String message) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(3000);
      byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", sip.port())));
      byte[] answer = new byte[65_535];
      DatagramPacket packet = new DatagramPacket(answer, answer.length);
      socket.receive(packet);
      return new String(answer, 0, packet.getLength(), StandardCharsets.UTF_8);
    }
  }
}
