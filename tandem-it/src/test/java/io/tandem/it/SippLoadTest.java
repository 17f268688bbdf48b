package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.database.InteractionView;
import io.tandem.media.G711;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load from a SIP client the recorder's code has never seen: two sipp processes, one for each recorder, send the
 * same few hundred concurrent two-stream SIPREC calls with RTP played from a capture, as an SBC forks its
 * calls to a pair. No call may fail and at most one sent packet in 10,000 may be missing from the WAVs.
 */
class SippLoadTest {
  private static final double[] TONES = {700, 1300};
  /**
   * 12 s calls: a few hundred at once at a call rate the recorders' durable call set-up keeps up with,
   * even on a loaded machine.
   */
  private static final int PACKETS_PER_STREAM = 600;
  private static final int CALLS = 300;
  private static final int CONCURRENT = 250;
  private static final int CALLS_PER_SECOND = 30;
  private static final String RUN = "load";

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    if (Sipp.skipped()) {
      return;
    }
    Sipp.requireCapturePlay();
    // 800 even ports a recorder, room for 400 two-stream calls; both ranges sit below the ephemeral ports.
    pair = new PairFixture(root, 385_001, 385_002, 1100, 1600);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aFewHundredConcurrentCallsForkedToBothRecordersAreRecordedAndMarkedWithoutLoss() throws Exception {
    Sipp.require();
    Path work = Files.createDirectories(root.resolve("sipp"));
    Path pcap = RtpPcap.write(work.resolve("load.pcap"), 6000, G711.PCMU, PACKETS_PER_STREAM, TONES);
    SippLoadRun run = SippLoadRun.run(pair, new Sipp(work), pcap, TONES, RUN, CALLS, CONCURRENT, CALLS_PER_SECOND,
        root.resolve("wav"));
    System.out.println("sipp load: " + run.summary() + "; calls short of tone: Main " + run.recordedMain().shortfalls()
        + ", Backup " + run.recordedBackup().shortfalls());

    for (Sipp.LoadResult result : List.of(run.main(), run.backup())) {
      assertThat(result.failed()).as("%s", result).isZero();
      assertThat(result.successful()).as("%s", result).isEqualTo(CALLS);
      assertThat(result.exitCode()).as("%s", result).isZero();
    }
    assertThat(run.peakActiveCalls()).as("calls in progress at once on a recorder").isGreaterThanOrEqualTo(200);
    long allowed = run.packetsSentEach() / 10_000;
    for (RecordedCalls recorded : List.of(run.recordedMain(), run.recordedBackup())) {
      String recorder = recorded == run.recordedMain() ? "the Main" : "the Backup";
      assertThat(recorded.calls()).as("calls of %s", recorder).isEqualTo(CALLS);
      assertThat(recorded.complete()).as("complete calls of %s", recorder).isEqualTo(CALLS);
      assertThat(recorded.channelsOffTone()).as("channels of %s with another stream's tone; answers whose ports sipp"
          + " cannot play a two-stream capture to: %s", recorder, run.unpairedAnswers()).isZero();
      assertThat(recorded.packetsMissing()).as("packets missing on %s by its statistics", recorder)
          .isLessThanOrEqualTo(allowed);
      assertThat(recorded.packetsInWavs()).as("packets in the WAVs of %s; calls short of tone: %s", recorder,
              recorded.shortfalls())
          .isBetween(run.packetsSentEach() - allowed, run.packetsSentEach());
    }
    awaitMainCopiesMarked();
  }

  /** Every conversation is one interaction in the call database, with the Main's copy marked. */
  private static void awaitMainCopiesMarked() {
    String mainSerial = Integer.toString(pair.main.serial);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Map<String, Integer> interactions = new HashMap<>();
      Map<String, Boolean> mainMarked = new HashMap<>();
      for (InteractionView interaction : pair.database.interactions(Instant.EPOCH,
          Instant.now().plus(Duration.ofDays(1)), 100_000)) {
        if (interaction.correlationKey().startsWith(RUN + "-")) {
          interactions.merge(interaction.correlationKey(), 1, Integer::sum);
          mainMarked.put(interaction.correlationKey(), interaction.copies().stream()
              .anyMatch(copy -> copy.serial().equals(mainSerial) && copy.marked()));
        }
      }
      for (int call = 1; call <= CALLS; call++) {
        String key = SippLoadScenarios.sessionId(RUN, call);
        assertThat(interactions.get(key)).as("interactions of %s", key).isEqualTo(1);
        assertThat(mainMarked.get(key)).as("the Main's copy of %s marked", key).isTrue();
      }
    });
  }
}
