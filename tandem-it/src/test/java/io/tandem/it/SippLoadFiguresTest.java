package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.media.G711;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sipp load figure, run by hand with {@code -Dfigures=true}: the highest number of concurrent
 * two-stream calls that two sipp processes fork to a real pair with no failed call and no RTP packet
 * missing from either recorder's recordings. Steps up through {@code -Dfigures.steps} (concurrent calls
 * per recorder, default 100,200,300,400,600,800), each step 1.5 times as many calls of
 * {@code -Dfigures.seconds} (default 10) of audio, started at the rate that holds that many at once; stops
 * after two steps in a row with a failure or a loss. Baseline in the same run: raw UDP receive on loopback.
 */
@EnabledIfSystemProperty(named = "figures", matches = "true")
class SippLoadFiguresTest {
  private static final double[] TONES = {700, 1300};
  private static final int[] STEPS = Arrays.stream(System.getProperty("figures.steps", "100,200,300,400,600,800")
      .split(",")).mapToInt(step -> Integer.parseInt(step.strip())).toArray();
  private static final int SECONDS = Integer.getInteger("figures.seconds", 10);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    Sipp.require();
    Sipp.requireCapturePlay();
    // 7,500 two-stream calls a recorder, below the ephemeral ports.
    pair = new PairFixture(root, 381_001, 381_002, 1100, 15_000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void highestSippLoadWithoutLoss() throws Exception {
    int widest = Arrays.stream(STEPS).max().orElseThrow();
    double raw = RawUdpReceive.packetsPerSecond(2 * widest, 300_000, 3);
    System.out.printf("figures: baseline raw UDP receive, one thread, selector over %d sockets: %.0f packets/s"
        + " (%.0f two-stream calls of 50 packets/s a stream); load average %s%n", 2 * widest, raw, raw / 100,
        loadAverage());
    Path work = Files.createDirectories(root.resolve("sipp"));
    Path pcap = RtpPcap.write(work.resolve("load.pcap"), 6000, G711.PCMU, SECONDS * 50, TONES);
    Sipp sipp = new Sipp(work);
    int best = 0;
    int failedInARow = 0;
    for (int step : STEPS) {
      // A call lasts its audio plus sipp's two seconds of margin; this rate holds `step` calls at once.
      int rate = Math.max(1, (int) Math.ceil(step / (SECONDS + 2.0)));
      SippLoadRun run = SippLoadRun.run(pair, sipp, pcap, TONES, "step" + step, step * 3 / 2, step, rate,
          root.resolve("wav"));
      boolean clean = run.main().failed() == 0 && run.backup().failed() == 0
          && run.main().successful() == step * 3 / 2 && run.backup().successful() == step * 3 / 2
          && lossless(run.recordedMain(), run.packetsSentEach()) && lossless(run.recordedBackup(), run.packetsSentEach());
      System.out.printf("figures: step %d concurrent (%d calls/s, %d calls a recorder): %s; %s; load average %s%n",
          step, rate, step * 3 / 2, clean ? "no failure, no loss" : "FAILED OR LOST", run.summary(), loadAverage());
      if (clean) {
        best = step;
        failedInARow = 0;
      } else if (++failedInARow == 2) {
        break;
      }
    }
    System.out.printf("figures: highest sipp load with 0 failed and 0 lost: %d concurrent two-stream calls a"
        + " recorder, %d packets/s into the pair, %.3f of the raw receive baseline (%.0f packets/s)%n", best,
        best * 200, best * 200 / raw, raw);
    assertThat(best).as("some step passed").isPositive();
  }

  private static boolean lossless(RecordedCalls recorded, long sent) {
    return recorded.packetsMissing() == 0 && recorded.packetsInWavs() == sent && recorded.channelsOffTone() == 0;
  }

  static String loadAverage() throws Exception {
    return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
  }
}
