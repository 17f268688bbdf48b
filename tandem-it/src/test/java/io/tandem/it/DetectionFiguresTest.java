package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detection figures, run by hand with {@code -Dfigures=true} ({@code bench/run detection}): a pair with the
 * Manager's default health settings (1 s, 3 misses); {@code -Dfigures.rounds} (default 5) rounds each of kill -9,
 * SIGSTOP and a dropped link (an nftables rule on loopback dropping the Backup's admin port, both ways; measured
 * only where {@code nft} runs as root) of the Backup; the time from each to the Manager's RECORDER_DOWN event. The
 * baseline, in the same rounds, is a poller of {@code GET /health} timed as the probe was before the beats (a
 * round every second, each poll waiting up to 2 s, down at the third miss in a row). Prints medians.
 */
@EnabledIfSystemProperty(named = "figures", matches = "true")
class DetectionFiguresTest {
  private static final int MAIN = 431_001;
  private static final int BACKUP = 431_002;
  private static final int ROUNDS = Integer.getInteger("figures.rounds", 5);
  private static final String TABLE = "tandem_detect_figures";
  private static final int QUIET_MINUTES = Integer.getInteger("figures.quietMinutes", 0);
  private static final int PAUSE_MS = Integer.getInteger("figures.pauseMs", 400);
  private static final int SPINNERS = Integer.getInteger("figures.spinners", 4);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = PairFixture.builder(root, MAIN, BACKUP, 46_000).rtpPorts(200).healthInterval("1s").withoutArchiving()
        .start();
  }

  @AfterAll
  static void stopPair() throws Exception {
    dropLinkRule();
    if (pair != null) {
      pair.close();
    }
  }

  /**
   * With {@code -Dfigures.quietMinutes=M}: M minutes with no fault on a loaded machine, counting the recorders
   * declared down, which must be none. The load: {@code -Dfigures.spinners} (4) threads of this JVM (the Manager's
   * own) spinning and making garbage for its collector, beside whatever else the machine runs; and each recorder
   * frozen by SIGSTOP for {@code -Dfigures.pauseMs} (400) every 3 s in turn, as a long collector pause of its own
   * would freeze it. Then, under the same load, the Backup hangs for good, and must still be declared down.
   */
  @Test
  void noRecorderDeclaredDownUnderLoadWithoutAFault() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(QUIET_MINUTES > 0, "figures.quietMinutes not set");
    await().atMost(Duration.ofSeconds(60)).until(() -> pair.manager.healthy(Integer.toString(MAIN))
        && pair.manager.healthy(Integer.toString(BACKUP)));
    Instant from = Instant.now();
    String loadBefore = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
    long until = System.nanoTime() + Duration.ofMinutes(QUIET_MINUTES).toNanos();
    java.util.concurrent.atomic.AtomicBoolean loaded = new java.util.concurrent.atomic.AtomicBoolean(true);
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < SPINNERS; i++) {
      spinners.add(Thread.ofPlatform().daemon().start(() -> {
        List<byte[]> kept = new ArrayList<>();
        while (loaded.get()) {
          kept.add(new byte[64 * 1024]);
          if (kept.size() > 2000) {
            kept.clear();
          }
        }
      }));
    }
    int pauses = 0;
    double maxLoad = 0;
    // How long each recorder really stayed frozen. Paused and resumed from this JVM, whose own threads the load
    // holds up, freezes of 500 ms lasted up to 4.7 s at load average 10 (38 of 144 over 1 s): real hangs, rightly
    // declared. A shell of its own now times them.
    long longestFreeze = 0;
    int freezesOverASecond = 0;
    while (System.nanoTime() < until) {
      RecorderProcess frozen = pauses % 2 == 0 ? pair.main : pair.backup;
      long freeze = frozen.freezeFor(Duration.ofMillis(PAUSE_MS)).toNanos();
      longestFreeze = Math.max(longestFreeze, freeze);
      freezesOverASecond += freeze > 1_000_000_000L ? 1 : 0;
      pauses++;
      maxLoad = Math.max(maxLoad, Double.parseDouble(java.nio.file.Files.readString(Path.of("/proc/loadavg"))
          .split(" ")[0]));
      Thread.sleep(3000);
    }
    // Then a real hang under the same load, after the slow spells the recorders came back from: still declared,
    // at most four silence limits (3 s) and a reconnection try (0.5 s) after the Backup's last beat.
    Thread.sleep(3000);
    Instant hungAt = Instant.now();
    Instant hangDeclaredAt;
    pair.backup.pause();
    try {
      hangDeclaredAt = awaitDown(hungAt);
    } finally {
      pair.backup.resume();
      loaded.set(false);
    }
    for (Thread spinner : spinners) {
      spinner.join();
    }
    int down = 0;
    for (JsonNode event : pair.events()) {
      Instant at = Instant.parse(event.get("at").asText());
      boolean inRun = !at.isBefore(from) && at.isBefore(hungAt);
      down += inRun && ("RECORDER_DOWN".equals(event.get("type").asText())
          || "FAILOVER".equals(event.get("type").asText())) ? 1 : 0;
    }
    System.out.printf("figures: %d min under load (%d spinners; load average at start %s, highest 1-min %.1f), %d "
        + "pauses of %d ms (the longest lasted %d ms, %d over 1 s): %d recorders declared down or failovers%n",
        QUIET_MINUTES, SPINNERS, loadBefore, maxLoad, pauses, PAUSE_MS, longestFreeze / 1_000_000, freezesOverASecond,
        down);
    long hangMillis = Duration.between(hungAt, hangDeclaredAt).toMillis();
    System.out.printf("figures: then the Backup hung (SIGSTOP) under the same load: declared %d ms after%n",
        hangMillis);
    assertThat(down).isZero();
    // 3.75 s at most after its last beat, and a margin for the event's write on a machine this busy.
    assertThat(hangMillis).isLessThan(5_000);
  }

  @Test
  void detectionFigures() throws Exception {
    Map<String, List<long[]>> figures = new LinkedHashMap<>();
    List<String> kinds = new ArrayList<>(List.of("kill -9", "SIGSTOP"));
    if (nftWorks()) {
      kinds.add("dropped link");
    } else {
      System.out.println("figures: dropped link not measured: nft is not available here, or not as root");
    }
    for (int round = 0; round < ROUNDS; round++) {
      for (String kind : kinds) {
        figures.computeIfAbsent(kind, k -> new ArrayList<>()).add(round(kind));
      }
    }
    for (Map.Entry<String, List<long[]>> kind : figures.entrySet()) {
      long beats = median(kind.getValue(), 0);
      long polls = median(kind.getValue(), 1);
      System.out.printf("figures: %s declared %d ms after (median of %d; runs %s), polling as before %d ms, ratio %.2f%n",
          kind.getKey(), beats, kind.getValue().size(), kind.getValue().stream().map(r -> Long.toString(r[0])).toList(),
          polls, (double) beats / polls);
      assertThat(beats).isLessThan(polls);
    }
  }

  /** One round: the Manager's detection and the baseline poller's, in ms after the fault, then the fault undone. */
  private static long[] round(String kind) throws Exception {
    RecorderProcess backup = pair.backup;
    await().atMost(Duration.ofSeconds(60)).until(() -> pair.manager.healthy(Integer.toString(BACKUP)));
    try (BaselinePoller baseline = new BaselinePoller(backup.adminUrl())) {
      await().atMost(Duration.ofSeconds(10)).until(baseline::answered);
      Instant faultAt = Instant.now();
      switch (kind) {
        case "kill -9" -> backup.kill9();
        case "SIGSTOP" -> backup.pause();
        default -> addLinkRule(backup.adminPort);
      }
      Instant declaredAt;
      Instant polledAt;
      try {
        declaredAt = awaitDown(faultAt);
        polledAt = await().atMost(Duration.ofSeconds(30)).until(baseline::declaredAt, at -> at != null);
      } finally {
        switch (kind) {
          case "kill -9" -> backup.start();
          case "SIGSTOP" -> backup.resume();
          default -> dropLinkRule();
        }
      }
      return new long[] {Duration.between(faultAt, declaredAt).toMillis(),
          Duration.between(faultAt, polledAt).toMillis()};
    }
  }

  private static Instant awaitDown(Instant after) {
    JsonNode event = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> DetectionTest.eventOf(pair, "RECORDER_DOWN", BACKUP, after), found -> found != null);
    return Instant.parse(event.get("at").asText());
  }

  private static long median(List<long[]> runs, int column) {
    List<Long> sorted = runs.stream().map(run -> run[column]).sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static boolean nftWorks() {
    try {
      return nft("add", "table", "inet", TABLE) && nft("delete", "table", "inet", TABLE);
    } catch (IOException e) {
      return false;
    }
  }

  private static void addLinkRule(int port) throws IOException {
    String p = Integer.toString(port);
    boolean added = nft("add", "table", "inet", TABLE)
        && nft("add", "chain", "inet", TABLE, "out", "{ type filter hook output priority 0 ; }")
        && nft("add", "rule", "inet", TABLE, "out", "tcp", "dport", p, "drop")
        && nft("add", "rule", "inet", TABLE, "out", "tcp", "sport", p, "drop");
    if (!added) {
      dropLinkRule();
      throw new IllegalStateException("could not add the nftables rule dropping port " + port);
    }
  }

  private static void dropLinkRule() {
    try {
      nft("delete", "table", "inet", TABLE);
    } catch (IOException e) {
      // No nft here: no rule was ever added.
    }
  }

  private static boolean nft(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("nft"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return process.waitFor() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Polls {@code GET /health} as the probe did before the beats: 1 s rounds, 1 s per poll, down at 3 misses. */
  private static final class BaselinePoller implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread thread;
    private volatile boolean answered;
    private volatile Instant declaredAt;

    BaselinePoller(String adminUrl) {
      HttpRequest health = HttpRequest.newBuilder(URI.create(adminUrl + "/health")).timeout(Duration.ofSeconds(1))
          .build();
      thread = Thread.ofVirtual().start(() -> {
        int misses = 0;
        while (declaredAt == null) {
          try {
            misses = http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200 ? 0 : misses + 1;
          } catch (IOException e) {
            misses++;
          } catch (InterruptedException e) {
            return;
          }
          answered |= misses == 0;
          if (misses >= 3) {
            declaredAt = Instant.now();
            return;
          }
          try {
            Thread.sleep(1000);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    boolean answered() {
      return answered;
    }

    Instant declaredAt() {
      return declaredAt;
    }

    @Override
    public void close() {
      thread.interrupt();
      http.close();
    }
  }
}
