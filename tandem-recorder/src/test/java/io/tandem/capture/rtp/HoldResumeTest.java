package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.MediaStats;
import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream put on hold goes quiet; many SBCs resume it with RTP timestamps that carry on from where they
 * stopped, as if no time had passed. What comes after the hold is recorded when it arrives, after the
 * silence of the hold, and nothing of it is lost.
 */
class HoldResumeTest {
  private static final double[] TONES = {440, 1000};

  @TempDir Path dataDir;
  private MediaCapture capture;

  @BeforeEach
  void startCapture() {
    int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
    capture = new MediaCapture("127.0.0.1", new RtpPortPool(base, base + 200), dataDir, Clock.systemUTC(),
        new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(50)));
  }

  @AfterEach
  void stopCapture() {
    capture.stop();
  }

  @Test
  void audioAfterAHoldWhoseTimestampsCarryOnIsRecordedAfterTheSilence() throws Exception {
    CallMedia call = capture.open("hold.wav", List.of(new StreamSpec(0, G711.PCMU)));
    long[] resumedAfterNanos = new long[1];
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 1, 0, 0x5151)) {
      long first = System.nanoTime();
      RtpTestSource.paced(50, i -> source.send(source.next(RtpTestSource.tone(440, i)), call.ports().get(0)));
      Thread.sleep(2000);
      RtpTestSource.paced(50, i -> {
        if (i == 0) {
          resumedAfterNanos[0] = System.nanoTime() - first;
        }
        source.send(source.next(RtpTestSource.tone(1000, i)), call.ports().get(0));
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    assertThat(stats.packetsReceived()).isEqualTo(100);
    assertThat(stats.packetsLost()).isZero();
    // The resumed audio lands where the time that passed puts it: a loaded machine stretches the sleep, so the
    // length is bounded by the time measured where the packets were sent, give or take 100 ms.
    int expected = (int) (resumedAfterNanos[0] / 1_000_000 * 8) + 8000;
    assertThat(samples.length).as("a second of audio, the hold, a second of audio: %d samples, %d expected",
        samples.length, expected).isGreaterThanOrEqualTo(4 * 8000 - 800).isBetween(expected - 800, expected + 800);
    assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(samples, samples.length - 7000, samples.length - 500),
        8000, TONES)).isEqualTo(1000);
    assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(samples, 500, 7000), 8000, TONES)).isEqualTo(440);
    assertThat(Arrays.copyOfRange(samples, 8000 + 2000, 8000 + 10000)).containsOnly((short) 0);
  }

  @Test
  void aHeldStreamResumingWhileTheOtherWentOnIsRecordedWhereItResumed() throws Exception {
    CallMedia call = capture.open("hold-two.wav", List.of(new StreamSpec(0, G711.PCMU), new StreamSpec(1, G711.PCMU)));
    try (RtpTestSource caller = new RtpTestSource(G711.PCMU, 1, 0, 0x6161);
        RtpTestSource held = new RtpTestSource(G711.PCMU, 500, 80_000, 0x7171)) {
      RtpTestSource.paced(150, i -> {
        caller.send(caller.next(RtpTestSource.tone(440, i)), call.ports().get(0));
        if (i < 50 || i >= 100) {
          held.send(held.next(RtpTestSource.tone(1000, i)), call.ports().get(1));
        }
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] resumed = WavFile.read(call.wavPath()).channel(1);
    assertThat(stats.packetsReceived()).isEqualTo(250);
    assertThat(stats.packetsLost()).isZero();
    assertThat(Arrays.copyOfRange(resumed, 8000 + 1000, 16000 - 1000)).containsOnly((short) 0);
    assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(resumed, 16000 + 800, 24000 - 800), 8000, TONES))
        .isEqualTo(1000);
  }
}
