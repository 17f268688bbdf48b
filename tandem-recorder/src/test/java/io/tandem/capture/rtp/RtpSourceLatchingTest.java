package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.MediaStats;
import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream latched to its first source, taken over only after the silence the setting allows, and timestamps held to time. */
class RtpSourceLatchingTest {
  /** How the capture reads its sockets; {@link RtpSourceLatchingBatchTest} runs these tests again with batches. */
  ReceiveMode receive() {
    return ReceiveMode.PLAIN;
  }

  private static final double[] TONES = {440, 1000};
  /**
   * How much later than the sender's own clock says the receiver may find time passed: the first packet may reach
   * the capture late on a loaded machine, and a packet is placed where it arrived. Far below the jumps sent.
   */
  private static final long JITTER_MILLIS = 200;

  @TempDir Path dataDir;
  private MediaCapture capture;

  private MediaCapture capture(Duration takeover) {
    // Below the ephemeral ports (32768 and up), where no client socket of this machine lands.
    int base = 21_000 + 2 * ThreadLocalRandom.current().nextInt(5_000);
    capture = new MediaCapture("127.0.0.1", new RtpPortPool(base, base + 40), dataDir, Clock.systemUTC(),
        new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(50)).withSourceTakeover(takeover)
            .withReceive(receive()));
    return capture;
  }

  @AfterEach
  void stopCapture() {
    if (capture != null) {
      capture.stop();
    }
  }

  @Test
  void rtpInjectedFromAnotherSourceIsCountedAndNotInTheWav() throws Exception {
    MediaCapture capture = capture(CaptureSettings.NO_TAKEOVER);
    CallMedia call = capture.open("injected.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource sbc = new RtpTestSource(G711.PCMU, 100, 8000, 0x1234);
        RtpTestSource intruder = new RtpTestSource(G711.PCMU, 100, 8000, 0x1234)) {
      RtpTestSource.paced(50, i -> {
        sbc.send(sbc.next(RtpTestSource.tone(440, i)), call.ports().get(0));
        // The same SSRC, the next packets' numbers and later ones: what would land in the call if it were taken.
        intruder.send(intruder.next(RtpTestSource.tone(1000, i)), call.ports().get(0));
        intruder.sequence += 3;
        intruder.timestamp += 3 * 160;
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    assertThat(ToneAnalysis.dominantFrequency(samples, 8000, TONES)).isEqualTo(440);
    assertThat(power(samples, 1000)).as("the intruder's tone").isLessThan(power(samples, 440) / 1000);
    assertThat(samples.length).isEqualTo(50 * 160);
    assertThat(stats.packetsReceived()).isEqualTo(50);
    assertThat(capture.counters().foreignSource()).isEqualTo(50);
    assertThat(capture.counters().sourceTakeovers()).isZero();
  }

  @Test
  void aNewSourceTakesASilentStreamOnlyWhenTheSettingAllowsAndAfterItsSilence() throws Exception {
    MediaCapture capture = capture(Duration.ofMillis(300));
    CallMedia call = capture.open("takeover.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource first = new RtpTestSource(G711.PCMU, 100, 8000, 0x1111);
        RtpTestSource second = new RtpTestSource(G711.PCMU, 9000, 700_000, 0x2222)) {
      RtpTestSource.paced(25, i -> {
        first.send(first.next(RtpTestSource.level(2000)), call.ports().get(0));
        second.send(second.next(RtpTestSource.level(-3000)), call.ports().get(0));
      });
      // Silent well past the setting, even as a capture thread held up on a loaded machine counts it.
      Thread.sleep(1000);
      // The first source is silent past the setting: an SBC that failed over to another media address.
      RtpTestSource.paced(25, i -> second.send(second.next(RtpTestSource.level(-3000)), call.ports().get(0)));
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    short firstLevel = RtpTestSource.decodedLevel(G711.PCMU, 2000);
    short secondLevel = RtpTestSource.decodedLevel(G711.PCMU, -3000);
    assertThat(count(samples, firstLevel)).isEqualTo(25 * 160);
    assertThat(count(samples, secondLevel)).as("only what came after the silence").isEqualTo(25 * 160);
    assertThat(stats.packetsReceived()).isEqualTo(50);
    assertThat(capture.counters().foreignSource()).isEqualTo(25);
    assertThat(capture.counters().sourceTakeovers()).isEqualTo(1);
  }

  @Test
  void withoutTheSettingAStreamStaysWithItsFirstSourceAfterSilence() throws Exception {
    MediaCapture capture = capture(CaptureSettings.NO_TAKEOVER);
    CallMedia call = capture.open("latched.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource first = new RtpTestSource(G711.PCMU, 100, 8000, 0x1111);
        RtpTestSource second = new RtpTestSource(G711.PCMU, 9000, 700_000, 0x2222)) {
      RtpTestSource.paced(10, i -> first.send(first.next(RtpTestSource.level(2000)), call.ports().get(0)));
      Thread.sleep(500);
      RtpTestSource.paced(10, i -> second.send(second.next(RtpTestSource.level(-3000)), call.ports().get(0)));
    }
    capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    assertThat(count(samples, RtpTestSource.decodedLevel(G711.PCMU, -3000))).isZero();
    assertThat(capture.counters().foreignSource()).isEqualTo(10);
  }

  @Test
  void aStreamMovedByANewOfferLatchesToItsNextSource() throws Exception {
    MediaCapture capture = capture(CaptureSettings.NO_TAKEOVER);
    CallMedia call = capture.open("moved.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource first = new RtpTestSource(G711.PCMU, 100, 8000, 0x1111);
        RtpTestSource second = new RtpTestSource(G711.PCMU, 9000, 700_000, 0x2222)) {
      RtpTestSource.paced(10, i -> first.send(first.next(RtpTestSource.level(2000)), call.ports().get(0)));
      capture.relatch(call, 0);
      // Commands run in order on the capture thread: once this one has run, the stream is open to a new source.
      java.util.concurrent.CountDownLatch applied = new java.util.concurrent.CountDownLatch(1);
      capture.executeOnCaptureThreads(applied::countDown);
      applied.await(5, TimeUnit.SECONDS);
      // The old source's last packets, still on their way when the new offer was taken, are its own yet.
      RtpTestSource.paced(3, i -> first.send(first.next(RtpTestSource.level(2000)), call.ports().get(0)));
      RtpTestSource.paced(10, i -> second.send(second.next(RtpTestSource.level(-3000)), call.ports().get(0)));
      RtpTestSource.paced(5, i -> first.send(first.next(RtpTestSource.level(2000)), call.ports().get(0)));
    }
    capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    assertThat(count(samples, RtpTestSource.decodedLevel(G711.PCMU, 2000))).isEqualTo(13 * 160);
    assertThat(count(samples, RtpTestSource.decodedLevel(G711.PCMU, -3000))).isEqualTo(10 * 160);
    assertThat(capture.counters().foreignSource()).isEqualTo(5);
    assertThat(capture.counters().sourceTakeovers()).isEqualTo(1);
  }

  @Test
  void aTimestampTenSecondsAheadWritesNoMoreSilenceThanTimePassed() throws Exception {
    assertJumpWritesNoMoreThanTimePassed(10 * 8000);
  }

  @Test
  void aTimestampJustUnderTenSecondsAheadWritesNoMoreSilenceThanTimePassed() throws Exception {
    assertJumpWritesNoMoreThanTimePassed(10 * 8000 - 400);
  }

  private void assertJumpWritesNoMoreThanTimePassed(int jump) throws Exception {
    MediaCapture capture = capture(CaptureSettings.NO_TAKEOVER);
    CallMedia call = capture.open("jump.wav", List.of(new StreamSpec(0, G711.PCMU)));
    long started = System.nanoTime();
    try (RtpTestSource sbc = new RtpTestSource(G711.PCMU, 100, 8000, 0x1234)) {
      RtpTestSource.paced(50, i -> {
        if (i == 25) {
          sbc.timestamp += jump;
        }
        sbc.send(sbc.next(RtpTestSource.level(2000)), call.ports().get(0));
      });
    }
    long passedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    assertThat(count(samples, RtpTestSource.decodedLevel(G711.PCMU, 2000))).isEqualTo(50 * 160);
    assertThat(samples.length / 8L).as("milliseconds of WAV against %d ms passed", passedMillis)
        .isLessThanOrEqualTo(passedMillis + JITTER_MILLIS);
    assertThat(stats.packetsReceived()).isEqualTo(50);
    assertThat(capture.counters().timestampJumps()).isEqualTo(1);
  }

  @Test
  void timestampsThatJumpAtEveryPacketStillWriteNoMoreThanTimePassed() throws Exception {
    MediaCapture capture = capture(CaptureSettings.NO_TAKEOVER);
    CallMedia call = capture.open("jumps.wav", List.of(new StreamSpec(0, G711.PCMU)));
    long started = System.nanoTime();
    try (RtpTestSource sbc = new RtpTestSource(G711.PCMU, 100, 8000, 0x1234)) {
      RtpTestSource.paced(30, i -> {
        // Under ten seconds each time: a stream that moves this far is still the same clock.
        sbc.timestamp += 9 * 8000;
        sbc.send(sbc.next(RtpTestSource.level(2000)), call.ports().get(0));
      });
    }
    long passedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    assertThat(count(samples, RtpTestSource.decodedLevel(G711.PCMU, 2000))).isEqualTo(30 * 160);
    assertThat(samples.length / 8L).as("milliseconds of WAV against %d ms passed", passedMillis)
        .isLessThanOrEqualTo(passedMillis + JITTER_MILLIS);
    assertThat(capture.counters().timestampJumps()).isEqualTo(29);
  }

  private static int count(short[] samples, short value) {
    int count = 0;
    for (short sample : samples) {
      if (sample == value) {
        count++;
      }
    }
    return count;
  }

  /** The signal's power at {@code frequency} (Goertzel). */
  private static double power(short[] samples, double frequency) {
    double coefficient = 2 * Math.cos(2 * Math.PI * frequency / 8000);
    double previous = 0;
    double before = 0;
    for (short sample : samples) {
      double current = sample + coefficient * previous - before;
      before = previous;
      previous = current;
    }
    return previous * previous + before * before - coefficient * previous * before;
  }
}
