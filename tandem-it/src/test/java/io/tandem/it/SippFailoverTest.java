package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.media.G711;
import io.tandem.simulator.ConversationSent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the primary while two sipp processes, one for each recorder, hold 200 and more forked two-stream
 * SIPREC calls in progress on it: the RRC fails the pair over, the killed recorder is started again, and the
 * tally by copies and INUMs finds no conversation lost, duplicated or joined to another, and a complete best copy
 * wherever a recorder holds one; the survivor holds every call whole, the killed recorder every call it had begun,
 * every copy of either recorder is linked (one the kill cut before any media reached the disk as a copy that holds
 * nothing), and the killed recorder, back as secondary, keeps no Workflow entry PENDING.
 */
class SippFailoverTest {
  private static final double[] TONES = {700, 1300};
  /** 12 s of audio a stream: at 30 new calls a second, every call has started well before the first ends. */
  private static final int PACKETS_PER_STREAM = 600;
  private static final int CALLS = 210;
  private static final int IN_PROGRESS_AT_KILL = 200;
  private static final int CALLS_PER_SECOND = 30;
  private static final String RUN = "failover";

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    if (Sipp.skipped()) {
      return;
    }
    Sipp.requireCapturePlay();
    // The secondary links its copies 5 s after they end, so that the test can wait for every copy linked.
    pair = PairFixture.builder(root, 387_001, 387_002, 1100).rtpPorts(1600)
        .recorderSettings(Map.of("gap.grace", "5s")).start();
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void killingThePrimaryUnderTwoHundredConcurrentSippCallsLosesAndDuplicatesNone() throws Exception {
    Sipp.require();
    Path work = Files.createDirectories(root.resolve("sipp"));
    Path pcap = RtpPcap.write(work.resolve("failover.pcap"), 6000, G711.PCMU, PACKETS_PER_STREAM, TONES);
    String scenario = SippLoadScenarios.recording(RUN, pcap.getFileName().toString(),
        PACKETS_PER_STREAM * 20L + 2000);
    Sipp sipp = new Sipp(work);
    RecorderProcess primary = pair.primary();
    RecorderProcess secondary = pair.other(primary);
    long started = System.nanoTime();

    Process toPrimary = sipp.startLoad(RUN + "-primary", scenario, primary.sipAddress(), CALLS, CALLS,
        CALLS_PER_SECOND);
    Process toSecondary = sipp.startLoad(RUN + "-secondary", scenario, secondary.sipAddress(), CALLS, CALLS,
        CALLS_PER_SECOND);
    try {
      int inProgress = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> activeCalls(primary), calls -> calls >= IN_PROGRESS_AT_KILL);
      primary.kill9();
      Instant killedAt = Instant.now();
      JsonNode failover = await().atMost(Duration.ofSeconds(30)).until(SippFailoverTest::failover,
          event -> event != null);
      assertThat(failover.get("details").get("toSerial").asText()).isEqualTo(Integer.toString(secondary.serial));
      primary.start();

      Sipp.LoadResult survivor = sipp.awaitLoad(RUN + "-secondary", toSecondary);
      assertThat(survivor.failed()).as("%s", survivor).isZero();
      assertThat(survivor.successful()).as("%s", survivor).isEqualTo(CALLS);
      for (RecorderProcess recorder : List.of(primary, secondary)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> activeCalls(recorder) == 0);
      }
      // The calls cut by the kill get no answer to their BYE, or a 481 from the recorder started again, and sipp
      // would wait for each until its own time limit: what it sends now changes nothing, so it is stopped.
      toPrimary.destroyForcibly().waitFor(5, TimeUnit.SECONDS);

      List<ConversationSent> sent = conversations();
      ConversationTally.awaitEveryConversationOnce(pair, sent);
      Map<String, Integer> copies = copiesByRecorder(sent, primary);
      List<String> unlinked = await().atMost(Duration.ofSeconds(60)).until(() -> unlinkedCopies(sent),
          List::isEmpty);
      JsonNode workflow = await().atMost(Duration.ofSeconds(60)).until(() -> PairFixture.getJson(
          primary.adminUrl() + "/api/status").get("workflow"), states -> states.path("PENDING").asLong() == 0);
      ConversationTally tally = ConversationTally.of(pair, sent);
      System.out.printf("sipp failover: %d calls in progress on the primary at kill -9; failover detected %d ms"
          + " after it; copies %s; %s; %.1f s%n", inProgress, Duration.between(killedAt,
              Instant.parse(failover.get("details").get("detectedAt").asText())).toMillis(), copies, tally,
          (System.nanoTime() - started) / 1e9);
      assertThat(List.of(tally.missing(), tally.duplicated(), tally.misjoined(), tally.incompleteBest()))
          .as("lost, duplicated, misjoined, incomplete best in %s", tally).containsOnly(0);
      assertThat(unlinked).as("copies that no interaction holds").isEmpty();
      assertThat(workflow.path("PENDING").asLong()).as("PENDING in the killed recorder's Workflow %s", workflow)
          .isZero();
      assertThat(copies.get("secondary complete")).as("the survivor recorded every call whole").isEqualTo(CALLS);
      assertThat(copies.get("primary")).as("the killed recorder kept every call it had begun")
          .isGreaterThanOrEqualTo(inProgress);
    } finally {
      for (Process process : List.of(toPrimary, toSecondary)) {
        if (process.isAlive()) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static int activeCalls(RecorderProcess recorder) throws Exception {
    return PairFixture.getJson(recorder.adminUrl() + "/health").get("activeCalls").asInt();
  }

  private static JsonNode failover() throws Exception {
    for (JsonNode event : pair.events()) {
      if ("FAILOVER".equals(event.get("type").asText())) {
        return event;
      }
    }
    return null;
  }

  /** Each sipp call is a conversation whose session id both recorders got. */
  private static List<ConversationSent> conversations() {
    List<ConversationSent> sent = new ArrayList<>();
    for (int call = 1; call <= CALLS; call++) {
      String key = SippLoadScenarios.sessionId(RUN, call);
      sent.add(new ConversationSent(call - 1, key, Instant.EPOCH, TONES[0], TONES[1], List.of(key), ""));
    }
    return sent;
  }

  /** The INUMs of either recorder's finished calls of the run that no interaction holds as a copy. */
  private static List<String> unlinkedCopies(List<ConversationSent> sent) throws Exception {
    Set<String> keys = new java.util.HashSet<>();
    sent.forEach(conversation -> keys.add(conversation.sessionId()));
    Set<String> linked = new java.util.HashSet<>();
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100000")) {
      interaction.get("copies").forEach(copy -> linked.add(copy.get("inum").asText()));
    }
    List<String> unlinked = new ArrayList<>();
    for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
      for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=100000")) {
        if (keys.contains(call.get("correlationKey").asText()) && !"RECORDING".equals(call.get("state").asText())
            && !linked.contains(call.get("inum").asText())) {
          unlinked.add(call.get("inum").asText());
        }
      }
    }
    return unlinked;
  }

  /** The calls of the run each recorder holds, by INUM, and of those the complete ones. */
  private static Map<String, Integer> copiesByRecorder(List<ConversationSent> sent, RecorderProcess killed)
      throws Exception {
    Set<String> keys = new java.util.HashSet<>();
    sent.forEach(conversation -> keys.add(conversation.sessionId()));
    Map<String, Integer> copies = new HashMap<>();
    for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
      Set<String> inums = new java.util.HashSet<>();
      int complete = 0;
      for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=100000")) {
        if (keys.contains(call.get("correlationKey").asText()) && inums.add(call.get("inum").asText())) {
          complete += "COMPLETE".equals(call.get("state").asText()) ? 1 : 0;
        }
      }
      String name = recorder == killed ? "primary" : "secondary";
      copies.put(name, inums.size());
      copies.put(name + " complete", complete);
    }
    return copies;
  }
}
