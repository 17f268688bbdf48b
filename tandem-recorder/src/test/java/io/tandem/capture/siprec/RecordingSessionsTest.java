package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.HeardAudio;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.RtpPortPool;
import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SessionDescription;
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
    sessions = new RecordingSessions(buffer, media, () -> CallRole.MASTER, (inum, end, state, stats, dtmf) -> {
      CallRecord call = buffer.finish(inum, end, state, stats, dtmf);
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
      // By RTP timestamps, from the later stream's first sound: where each stream begins depends on when its first
      // packet arrived, which a loaded machine delays.
      assertThat(HeardAudio.framesFromLaterStart(audio)).as("frames from the later stream's first sound")
          .isBetween(49 * 160, 50 * 160);
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
  void aReinviteWithUnreadableMetadataIsAnswered200KeptRawAndNoted() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "re-2", "session-bad"));
    String toTag = answer.replaceAll("(?s).*\\r\\nTo: [^\\r]*;tag=([^;\\r]+).*", "$1");
    byte[] broken = "<recording xmlns='urn:ietf:params:xml:ns:recording:1'><session>".getBytes(
        java.nio.charset.StandardCharsets.UTF_8);

    assertThat(exchange(SiprecInvites.reinvite(sip.port(), "re-2", toTag, broken))).startsWith("SIP/2.0 200");

    assertThat(sessions.active()).isEqualTo(1);
    CallRecord call = buffer.findByCorrelationKey("session-bad").orElseThrow();
    assertThat(call.participants()).hasSize(1);
    assertThat(call.quirks()).containsExactly("metadata-unreadable");
    assertThat(buffer.metadata(call.inum())).hasSize(2).last()
        .satisfies(kept -> assertThat(kept.body()).isEqualTo(broken));
  }

  @Test
  void aReinviteOnHoldIsAnsweredInactiveOnTheSamePortAndResumesRecvonly() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "hold-1", "session-hold", 2));
    String toTag = toTag(answer);
    SessionDescription first = sdpOf(answer);
    String held = SiprecInvites.sdp(2, "sendonly").replaceFirst("a=label:2\r\na=sendonly", "a=label:2\r\na=inactive");

    SessionDescription onHold = sdpOf(exchange(SiprecInvites.inDialog("INVITE", sip.port(), "hold-1", toTag, 2, held,
        null)));
    SessionDescription resumed = sdpOf(exchange(SiprecInvites.inDialog("INVITE", sip.port(), "hold-1", toTag, 3,
        SiprecInvites.sdp(2, "sendonly"), null)));

    assertThat(onHold.media()).extracting(MediaDescription::direction).containsExactly("recvonly", "inactive");
    assertThat(onHold.media()).extracting(MediaDescription::port)
        .containsExactlyElementsOf(first.media().stream().map(MediaDescription::port).toList());
    assertThat(resumed.media()).extracting(MediaDescription::direction).containsExactly("recvonly", "recvonly");
    assertThat(List.of(first.origin(), onHold.origin(), resumed.origin())).extracting(o -> o.split(" ")[2])
        .containsExactly(first.origin().split(" ")[1], Long.parseLong(first.origin().split(" ")[1]) + 1 + "",
            Long.parseLong(first.origin().split(" ")[1]) + 2 + "");
    assertThat(sessions.active()).isEqualTo(1);
    assertThat(sessions.changedCount()).isEqualTo(2);
  }

  @Test
  void aRemovedStreamFreesItsChannelForAnAddedOneAndAStreamWithNoChannelIsDeclined() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "swap-1", "session-swap", 2));
    String toTag = toTag(answer);
    int secondPort = sdpOf(answer).media().get(1).port();
    String swapped = SiprecInvites.sdp(3, "sendonly").replaceFirst("m=audio 6004", "m=audio 0");
    String fourth = SiprecInvites.sdp(4, "sendonly").replaceFirst("m=audio 6004", "m=audio 0");

    SessionDescription afterSwap = sdpOf(exchange(SiprecInvites.inDialog("INVITE", sip.port(), "swap-1", toTag, 2,
        swapped, null)));
    SessionDescription afterFourth = sdpOf(exchange(SiprecInvites.inDialog("UPDATE", sip.port(), "swap-1", toTag, 3,
        fourth, null)));

    assertThat(afterSwap.media()).extracting(MediaDescription::label).containsExactly("1", "2", "3");
    assertThat(afterSwap.media().get(1).port()).isZero();
    assertThat(afterSwap.media().get(2).port()).isEqualTo(secondPort);
    assertThat(afterFourth.media().get(3).port()).isZero();
    assertThat(buffer.findByCorrelationKey("session-swap").orElseThrow().streams())
        .extracting(StreamInfo::label, StreamInfo::channel).containsExactly(tuple("1", 0), tuple("3", 1));
  }

  @Test
  void aReofferSwitchingToG729IsAnsweredWithItAndTheStreamShowsItsCodec() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "codec-1", "session-codec", 1));
    String g729 = SiprecInvites.sdp(1, "sendonly").replace("RTP/AVP 0", "RTP/AVP 18").replace("a=rtpmap:0 PCMU/8000",
        "a=rtpmap:18 G729/8000");

    String switched = exchange(SiprecInvites.inDialog("INVITE", sip.port(), "codec-1", toTag(answer), 2, g729, null));

    assertThat(switched).startsWith("SIP/2.0 200");
    assertThat(sdpOf(switched).media().get(0).formats()).containsExactly(18);
    assertThat(sdpOf(switched).media().get(0).rtpmap()).containsEntry(18, "G729/8000");
    assertThat(buffer.findByCorrelationKey("session-codec").orElseThrow().streams().get(0).codec()).isEqualTo("G729");
    assertThat(sessions.active()).isEqualTo(1);
  }

  @Test
  void aPlainInviteIsRecordedWithTheParticipantsItsHeadersNameUnderItsCallId() throws Exception {
    String answer = exchange(SiprecInvites.plainInvite(sip.port(), "plain-1@192.0.2.20", 2, "sendonly"));

    assertThat(answer).startsWith("SIP/2.0 200").doesNotContain("Require: siprec").contains(";+sip.srs");
    CallRecord call = buffer.findByCorrelationKey("plain-1@192.0.2.20").orElseThrow();
    assertThat(call.participants()).containsExactly(new Participant("from", "sip:alice@example.com", "Alice"),
        new Participant("to", "sip:7001@pbx.example", ""), new Participant("pai", "tel:+15550100", ""));
    assertThat(call.quirks()).containsExactly("no-metadata");
    assertThat(call.sipIdentity()).isEmpty();
    assertThat(buffer.metadata(call.inum())).isEmpty();
    assertThat(sessions.tallies().quirkCount("no-metadata")).isEqualTo(1);
  }

  @Test
  void metadataThatComesOnlyInAnUpdateDescribesTheCallWhichKeepsItsKey() throws Exception {
    String answer = exchange(SiprecInvites.plainInvite(sip.port(), "late-1@192.0.2.20", 2, "sendonly"));
    String metadata = """
        <recording xmlns="urn:ietf:params:xml:ns:recording:1">
          <datamode>complete</datamode>
          <session session_id="late-session"><sipSessionID>0123456789abcdef0123456789abcdef;remote=00000000000000000000000000000000</sipSessionID></session>
          <participant participant_id="pa"><nameID aor="sip:alice@example.com"><name>Alice</name></nameID></participant>
          <participant participant_id="pb"><nameID aor="sip:bob@example.com"/></participant>
          <stream stream_id="s1" session_id="late-session"><label>1</label></stream>
          <participantstreamassoc participant_id="pa"><send>s1</send></participantstreamassoc>
        </recording>""";

    String response = exchange(SiprecInvites.inDialog("UPDATE", sip.port(), "late-1@192.0.2.20", toTag(answer), 2, null,
        metadata.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    assertThat(response).startsWith("SIP/2.0 200");
    CallRecord call = buffer.findByCorrelationKey("late-1@192.0.2.20").orElseThrow();
    assertThat(call.quirks()).containsExactly("no-metadata", "metadata-late");
    assertThat(call.participants()).extracting(Participant::id).containsExactly("from", "to", "pai", "pa", "pb");
    assertThat(call.streams()).extracting(StreamInfo::participantId).containsExactly("pa", "");
    assertThat(call.sipIdentity()).isEqualTo("0123456789abcdef0123456789abcdef;remote=00000000000000000000000000000000");
    assertThat(buffer.metadata(call.inum())).singleElement().satisfies(kept -> {
      assertThat(kept.seq()).isEqualTo(1);
      assertThat(kept.contentType()).isEqualTo("application/rs-metadata+xml");
      assertThat(kept.text()).isEqualTo(metadata);
    });
    assertThat(buffer.findByCorrelationKey("late-session")).isEmpty();
  }

  @Test
  void theInvitesMetadataIsKeptFirstAndAnUpdateNamingUnknownIdsIsNoted() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "ids-1", "session-ids", 2));
    String knownOnly = """
        <recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>partial</datamode>
          <participantsessionassoc participant_id="p2"><disassociate-time>2026-11-27T10:00:00Z</disassociate-time>
          </participantsessionassoc></recording>""";
    String unknown = knownOnly.replace("\"p2\"", "\"p9\"");

    exchange(SiprecInvites.inDialog("UPDATE", sip.port(), "ids-1", toTag(answer), 2, null,
        knownOnly.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    CallRecord afterKnown = buffer.findByCorrelationKey("session-ids").orElseThrow();
    exchange(SiprecInvites.inDialog("UPDATE", sip.port(), "ids-1", toTag(answer), 3, null,
        unknown.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    CallRecord afterUnknown = buffer.findByCorrelationKey("session-ids").orElseThrow();

    assertThat(afterKnown.quirks()).isEmpty();
    assertThat(afterUnknown.quirks()).containsExactly("metadata-unknown-ids");
    assertThat(buffer.metadata(afterUnknown.inum())).extracting(m -> m.seq()).containsExactly(1, 2, 3);
    assertThat(buffer.metadata(afterUnknown.inum()).get(0).text()).contains("session_id=\"session-ids\"");
  }

  @Test
  void aMetadataOnlyReinviteGetsTheSessionsSdpAndAnUnreadableReofferChangesNothing() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "meta-1", "session-meta", 1));
    byte[] joined = new RecordingMetadata("session-meta", List.of(
        new Participant("p9", "sip:dave@example.com", "Dave")), Map.of()).toXml();

    String metadataOnly = exchange(SiprecInvites.inDialog("INVITE", sip.port(), "meta-1", toTag(answer), 2, null,
        joined));
    String unreadable = exchange(SiprecInvites.inDialog("UPDATE", sip.port(), "meta-1", toTag(answer), 3,
        "o=no version line\r\n", joined));

    assertThat(sdpOf(metadataOnly).origin()).isEqualTo(sdpOf(answer).origin());
    assertThat(unreadable).startsWith("SIP/2.0 400").contains("expected SDP to start with 'v=0'");
    CallRecord call = buffer.findByCorrelationKey("session-meta").orElseThrow();
    assertThat(call.participants()).extracting(Participant::id).containsExactly("p1", "p9");
    assertThat(buffer.metadata(call.inum())).hasSize(2);
    assertThat(sessions.changedCount()).isEqualTo(1);
  }

  @Test
  void aCallThatStartsInactiveIsAnsweredInactiveAndRecvonlyOnceResumed() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "idle-1", "session-idle", 1)
        .replace("a=label:1\r\na=sendonly", "a=label:1\r\na=inactive"));
    assertThat(sdpOf(answer).media()).extracting(MediaDescription::direction).containsExactly("inactive");

    SessionDescription resumed = sdpOf(exchange(SiprecInvites.inDialog("INVITE", sip.port(), "idle-1", toTag(answer), 2,
        SiprecInvites.sdp(1, "sendonly"), null)));

    assertThat(resumed.media()).extracting(MediaDescription::direction).containsExactly("recvonly");
    assertThat(buffer.findByCorrelationKey("session-idle").orElseThrow().quirks()).containsExactly("starts-inactive");
  }

  @Test
  void quirksAreCountedEachTimeAndRefusalsByTheirKind() throws Exception {
    exchange(SiprecInvites.plainInvite(sip.port(), "count-1", 1, "sendonly"));
    exchange(SiprecInvites.plainInvite(sip.port(), "count-2", 1, "sendrecv"));
    String noAudio = SiprecInvites.plainInvite(sip.port(), "count-3", 1, "sendonly")
        .replaceAll("m=audio[^\\r]*", "m=video 6002 RTP/AVP 9");

    assertThat(exchange(noAudio)).startsWith("SIP/2.0 488").contains("expected at least one m=audio line");

    assertThat(sessions.tallies().quirkCount("no-metadata")).isEqualTo(2);
    assertThat(sessions.tallies().quirkCount("starts-sendrecv")).isEqualTo(1);
    assertThat(sessions.tallies().refusalKinds()).containsExactly("no-audio");
    assertThat(sessions.tallies().refusalCount("no-audio")).isEqualTo(1);
    assertThat(sessions.refusedCount()).isEqualTo(1);
  }

  @Test
  void anUpdateWithPartialMetadataRecordsWhoJoinedAndWhoLeftAndKeepsEveryone() throws Exception {
    String answer = exchange(SiprecInvites.invite(sip.port(), "upd-1", "session-upd", 2));
    java.time.Instant left = java.time.Instant.parse("2026-11-27T10:15:30Z");
    String partial = """
        <recording xmlns="urn:ietf:params:xml:ns:recording:1">
          <datamode>partial</datamode>
          <participant participant_id="p3"><nameID aor="sip:carol@example.com"><name>Carol</name></nameID></participant>
          <participantsessionassoc participant_id="p2" session_id="session-upd">
            <associate-time>2026-11-27T10:00:00Z</associate-time>
            <disassociate-time>2026-11-27T10:15:30Z</disassociate-time>
          </participantsessionassoc>
        </recording>""";
    java.time.Instant before = java.time.Instant.now();

    String response = exchange(SiprecInvites.inDialog("UPDATE", sip.port(), "upd-1", toTag(answer), 2, null,
        partial.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    assertThat(response).startsWith("SIP/2.0 200").doesNotContain("application/sdp");
    CallRecord call = buffer.findByCorrelationKey("session-upd").orElseThrow();
    assertThat(call.participants()).extracting(Participant::id).containsExactly("p1", "p2", "p3");
    assertThat(call.participants().get(1).left()).isEqualTo(left);
    assertThat(call.participants().get(2).joined()).isBetween(before, java.time.Instant.now());
    assertThat(call.participants().get(0).joined()).isNull();
  }

  @Test
  void aCancelWhileTheInviteIsBeingAnsweredStopsItWith487AndNothingIsKept() throws Exception {
    String invite = SiprecInvites.invite(sip.port(), "early-1", "session-early");
    String cancel = invite.replace("INVITE sip:", "CANCEL sip:").replace(" INVITE\r\n", " CANCEL\r\n");
    cancel = cancel.substring(0, cancel.indexOf("Content-Type")) + "Content-Length: 0\r\n\r\n";
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    // Holding the local store keeps the INVITE inside its answer, as a slow disk would.
    Thread holder = Thread.ofVirtual().start(() -> store.transaction(c -> {
      held.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    held.await();
    try (var src = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      src.setSoTimeout(5000);
      byte[] bytes = invite.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      src.send(new java.net.DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", sip.port())));
      await().atMost(Duration.ofSeconds(5)).until(() -> sessions.answering() == 1);

      String cancelled = exchange(cancel);
      release.countDown();
      holder.join();
      byte[] buffered = new byte[65_535];
      var packet = new java.net.DatagramPacket(buffered, buffered.length);
      src.receive(packet);
      String inviteResponse = new String(buffered, 0, packet.getLength(), java.nio.charset.StandardCharsets.UTF_8);

      assertThat(cancelled).startsWith("SIP/2.0 200").contains("CSeq: 1 CANCEL");
      assertThat(inviteResponse).startsWith("SIP/2.0 487").contains("CSeq: 1 INVITE");
    }
    assertThat(buffer.findByCorrelationKey("session-early")).isEmpty();
    assertThat(sessions.active()).isZero();
    assertThat(sessions.cancelledCount()).isEqualTo(1);
    try (var files = java.nio.file.Files.walk(dataDir)) {
      assertThat(files.filter(f -> f.toString().endsWith(".wav"))).isEmpty();
    }
  }

  @Test
  void aCancelOrUpdateOfNoKnownDialogIsAnswered481() throws Exception {
    String cancel = SiprecInvites.invite(sip.port(), "nobody-1", "s").replace("INVITE sip:", "CANCEL sip:")
        .replace(" INVITE\r\n", " CANCEL\r\n");
    assertThat(exchange(cancel.substring(0, cancel.indexOf("Content-Type")) + "Content-Length: 0\r\n\r\n"))
        .startsWith("SIP/2.0 481");
    assertThat(exchange(SiprecInvites.inDialog("UPDATE", sip.port(), "nobody-2", "t1", 2,
        SiprecInvites.sdp(1, "sendonly"), null))).startsWith("SIP/2.0 481");
  }

  private static String toTag(String response) {
    return response.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([^;\r]+).*", "$1");
  }

  private static SessionDescription sdpOf(String response) throws Exception {
    assertThat(response).startsWith("SIP/2.0 200");
    return Sdp.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
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
