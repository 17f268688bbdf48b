package io.tandem.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.media.G711;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallSimulatorTest {
  @Test
  void udpConversationsAreForkedToBothRecordersWithTheSameSessionIdsAndTones() throws Exception {
    try (FakeRecorder main = new FakeRecorder(0); FakeRecorder backup = new FakeRecorder(0)) {
      SimulationPlan plan = new SimulationPlan(List.of(main.address(), backup.address()), 2, 20, Duration.ofSeconds(1),
          "udp", G711.PCMU);

      SimulationReport report = new CallSimulator(plan).run();

      assertThat(report.conversationsSent()).isEqualTo(2);
      assertThat(report.failures()).isZero();
      assertThat(report.callsPerRecorder()).containsExactly(Map.entry(main.hostPort(), 2), Map.entry(backup.hostPort(), 2));
      assertThat(report.packetsSent()).isEqualTo(2 * 2 * 2 * 50);
      List<String> sent = report.conversations().stream().map(ConversationSent::sessionId).toList();
      assertThat(sent).doesNotHaveDuplicates();
      assertThat(main.sessionIds).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(backup.sessionIds).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(main.byes).hasSize(2);
      assertEveryStreamCarriesItsTone(main, report);
      assertEveryStreamCarriesItsTone(backup, report);
    }
  }

  @Test
  void distinctSessionIdsGiveEachRecorderItsOwnIdAndTheSameParticipantsAndSipIdentity() throws Exception {
    try (FakeRecorder main = new FakeRecorder(0); FakeRecorder backup = new FakeRecorder(0)) {
      SimulationPlan plan = new SimulationPlan(List.of(main.address(), backup.address()), 2, 20,
          Duration.ofMillis(200), "udp", G711.PCMU, SessionIds.DISTINCT_WITH_SIP_IDENTITY);

      SimulationReport report = new CallSimulator(plan).run();

      assertThat(report.failures()).isZero();
      for (ConversationSent conversation : report.conversations()) {
        String toMain = conversation.recorderSessionIds().get(0);
        String toBackup = conversation.recorderSessionIds().get(1);
        assertThat(toMain).isEqualTo(conversation.sessionId()).isNotEqualTo(toBackup);
        assertThat(main.sessionIds).contains(toMain).doesNotContain(toBackup);
        assertThat(backup.sessionIds).contains(toBackup).doesNotContain(toMain);
        assertThat(conversation.sipIdentity()).matches("[0-9a-f]{32}");
        String caller = "sip:+1555%07d@caller.invalid".formatted(conversation.index());
        for (FakeRecorder recorder : List.of(main, backup)) {
          assertThat(recorder.inviteBodies).filteredOn(body -> body.contains(caller)).singleElement().asString()
              .contains("<sipSessionID>" + conversation.sipIdentity() + "</sipSessionID>");
        }
      }
    }
  }

  @Test
  void distinctSessionIdsWithoutSipIdentitySendNone() throws Exception {
    try (FakeRecorder main = new FakeRecorder(0); FakeRecorder backup = new FakeRecorder(0)) {
      SimulationReport report = new CallSimulator(new SimulationPlan(List.of(main.address(), backup.address()), 1,
          20, Duration.ofMillis(200), "udp", G711.PCMU, SessionIds.DISTINCT)).run();

      assertThat(main.sessionIds).doesNotContainAnyElementsOf(backup.sessionIds).hasSize(1);
      assertThat(report.conversations().getFirst().sipIdentity()).isEmpty();
      assertThat(main.inviteBodies).noneMatch(body -> body.contains("sipSessionID"));
    }
  }

  @Test
  void sessionIdModesAreNamedOnTheCommandLineAndAnUnknownOneIsRefusedNamingTheChoices() {
    assertThat(SessionIds.fromOption("distinct-with-sip-identity")).isEqualTo(SessionIds.DISTINCT_WITH_SIP_IDENTITY);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionIds.fromOption("separate"))
        .hasMessage("--session-ids must be one of [shared, distinct, distinct-with-sip-identity], got 'separate'");
  }

  @Test
  void anUnlistedRunCountsAsARunDoesButKeepsNoConversation() throws Exception {
    try (FakeRecorder recorder = new FakeRecorder(0)) {
      SimulationReport report = new CallSimulator(new SimulationPlan(List.of(recorder.address()), 3, 20,
          Duration.ofMillis(200), "udp", G711.PCMU)).runUnlisted();

      assertThat(report.conversations()).isEmpty();
      assertThat(report.conversationsSent()).isEqualTo(3);
      assertThat(report.callsPerRecorder()).containsExactly(Map.entry(recorder.hostPort(), 3));
      assertThat(recorder.byes).hasSize(3);
    }
  }

  @Test
  void conversationsGoToEveryPairInTurnAndEachOnlyToItsOwnPairsRecorders() throws Exception {
    try (FakeRecorder main1 = new FakeRecorder(0); FakeRecorder backup1 = new FakeRecorder(0);
        FakeRecorder main2 = new FakeRecorder(0); FakeRecorder backup2 = new FakeRecorder(0);
        FakeRecorder main3 = new FakeRecorder(0); FakeRecorder backup3 = new FakeRecorder(0)) {
      List<List<FakeRecorder>> pairs = List.of(List.of(main1, backup1), List.of(main2, backup2),
          List.of(main3, backup3));
      SimulationPlan plan = new SimulationPlan(pairs.stream().map(pair -> pair.stream().map(FakeRecorder::address)
          .toList()).toList(), 7, 40, Duration.ofMillis(200), "udp", G711.PCMU, SessionIds.SHARED, null, null);

      SimulationReport report = new CallSimulator(plan).run();

      assertThat(report.failures()).isZero();
      assertThat(report.conversationsSent()).isEqualTo(7);
      assertThat(report.callsPerRecorder()).containsExactly(Map.entry(main1.hostPort(), 3),
          Map.entry(backup1.hostPort(), 3), Map.entry(main2.hostPort(), 2), Map.entry(backup2.hostPort(), 2),
          Map.entry(main3.hostPort(), 2), Map.entry(backup3.hostPort(), 2));
      for (ConversationSent conversation : report.conversations()) {
        assertThat(conversation.pair()).isEqualTo(conversation.index() % 3);
        for (int pair = 0; pair < 3; pair++) {
          for (FakeRecorder recorder : pairs.get(pair)) {
            assertThat(recorder.sessionIds.contains(conversation.sessionId()))
                .as("conversation %d at a recorder of pair %d", conversation.index(), pair)
                .isEqualTo(pair == conversation.pair());
          }
        }
      }
    }
  }

  @Test
  void tcpConversationCompletesOnBothRecorders() throws Exception {
    try (FakeRecorder main = new FakeRecorder(0); FakeRecorder backup = new FakeRecorder(0)) {
      SimulationPlan plan = new SimulationPlan(List.of(main.address(), backup.address()), 1, 5, Duration.ofSeconds(1),
          "tcp", G711.PCMA);

      SimulationReport report = new CallSimulator(plan).run();

      assertThat(report.failures()).isZero();
      assertThat(report.callsPerRecorder().values()).containsExactly(1, 1);
      assertThat(main.sessionIds).isEqualTo(backup.sessionIds).hasSize(1);
      assertEveryStreamCarriesItsTone(main, report);
      assertEveryStreamCarriesItsTone(backup, report);
    }
  }

  @Test
  void recorderThatRefusesCountsAsAFailureWhileTheOtherStillRecords() throws Exception {
    try (FakeRecorder main = new FakeRecorder(0); FakeRecorder refusing = new FakeRecorder(503)) {
      SimulationPlan plan = new SimulationPlan(List.of(main.address(), refusing.address()), 1, 5,
          Duration.ofMillis(200), "udp", G711.PCMU);

      SimulationReport report = new CallSimulator(plan).run();

      assertThat(report.failures()).isEqualTo(1);
      assertThat(report.callsPerRecorder()).containsEntry(main.hostPort(), 1).containsEntry(refusing.hostPort(), 0);
      assertThat(report.summaryJson()).isEqualTo("{\"conversationsSent\":1,\"callsPerRecorder\":{\"" + main.hostPort()
          + "\":1,\"" + refusing.hostPort() + "\":0},\"failures\":1,\"packetsSent\":20}");
    }
  }

  private static void assertEveryStreamCarriesItsTone(FakeRecorder recorder, SimulationReport report) {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(recorder.streams)
        .allSatisfy(stream -> assertThat(stream.sequences()).hasSize(50)));
    for (FakeRecorder.ReceivedStream stream : recorder.streams) {
      ConversationSent conversation = report.conversations().stream()
          .filter(c -> c.sessionId().equals(stream.sessionId())).findFirst().orElseThrow();
      double expected = stream.label().equals("1") ? conversation.frequency1() : conversation.frequency2();
      assertThat(dominantFrequency(stream.audio().toByteArray(), stream.payloadType())).isEqualTo(expected);
      List<Integer> sequences = stream.sequences();
      for (int i = 1; i < sequences.size(); i++) {
        assertThat(sequences.get(i)).isEqualTo((sequences.get(i - 1) + 1) & 0xFFFF);
      }
    }
  }

  /** The strongest of the simulator's candidate tones (300..3200 Hz) in the decoded audio, by Goertzel. */
  private static double dominantFrequency(byte[] encoded, int payloadType) {
    short[] table = G711.decodeTable(payloadType);
    double best = 0;
    double bestPower = -1;
    for (int hz = 300; hz <= 3200; hz += 100) {
      double coefficient = 2 * Math.cos(2 * Math.PI * hz / 8000.0);
      double previous = 0;
      double beforePrevious = 0;
      for (byte code : encoded) {
        double current = table[code & 0xFF] + coefficient * previous - beforePrevious;
        beforePrevious = previous;
        previous = current;
      }
      double power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
      if (power > bestPower) {
        bestPower = power;
        best = hz;
      }
    }
    return best;
  }
}
