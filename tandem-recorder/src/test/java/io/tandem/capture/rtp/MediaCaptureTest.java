package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tandem.call.MediaStats;
import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaCaptureTest {
  /** How the capture reads its sockets; {@link MediaCaptureBatchTest} runs these tests again with batches. */
  ReceiveMode receive() {
    return ReceiveMode.PLAIN;
  }

  private static final double[] TONES = {440, 1000};

  @TempDir Path dataDir;
  private RtpPortPool pool;
  private MediaCapture capture;

  @BeforeEach
  void startCapture() {
    int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
    pool = new RtpPortPool(base, base + 200);
    capture = new MediaCapture("127.0.0.1", pool, dataDir, Clock.systemUTC(),
        new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(50)).withReceive(receive()));
  }

  @AfterEach
  void stopCapture() {
    capture.stop();
  }

  @Test
  void twoStreamsWithDifferentTonesLandInTheirOwnChannelsForTheTimeSent() throws Exception {
    CallMedia call = capture.open("2026/11/26/call-a.wav",
        List.of(new StreamSpec(0, G711.PCMU), new StreamSpec(1, G711.PCMA)));
    try (RtpTestSource caller = new RtpTestSource(G711.PCMU, 100, 5000, 0x1111);
        RtpTestSource callee = new RtpTestSource(G711.PCMA, 7, 90000, 0x2222)) {
      RtpTestSource.paced(200, i -> {
        caller.send(caller.next(RtpTestSource.tone(440, i)), call.ports().get(0));
        callee.send(callee.next(RtpTestSource.tone(1000, i)), call.ports().get(1));
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    WavAudio audio = WavFile.read(call.wavPath());
    assertThat(audio.channels()).isEqualTo(2);
    assertThat(ToneAnalysis.dominantFrequency(audio.channel(0), 8000, TONES)).isEqualTo(440);
    assertThat(ToneAnalysis.dominantFrequency(audio.channel(1), 8000, TONES)).isEqualTo(1000);
    assertThat(HeardAudio.framesFromLaterStart(audio)).as("frames from the later stream's first sound")
        .isBetween(199 * 160, 200 * 160);
    assertThat(stats.durationMillis()).isEqualTo(audio.frames() / 8);
    assertThat(stats.packetsReceived()).isEqualTo(400);
    assertThat(stats.packetsLost()).isZero();
    assertThat(stats.bytes()).isEqualTo(WavFile.dataBytes(call.wavPath()));
  }

  @Test
  void reorderedAndDuplicatedPacketsAreWrittenInSequenceOrder() throws Exception {
    CallMedia call = capture.open("reorder.wav", List.of(new StreamSpec(0, G711.PCMU)));
    int[] order = {0, 2, 1, 3, 3, 4, 6, 5, 7, 8, 8, 9, 11, 10, 12, 13, 14, 15, 16, 17, 19, 18};
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 65530, 4294967000L, 0x3333)) {
      byte[][] packets = new byte[20][];
      for (int i = 0; i < packets.length; i++) {
        packets[i] = source.next(RtpTestSource.level(1000 + 500 * i));
      }
      RtpTestSource.paced(order.length, i -> source.send(packets[order[i]], call.ports().get(0)));
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    int start = firstNonZero(samples);
    for (int i = 0; i < 20; i++) {
      short expected = RtpTestSource.decodedLevel(G711.PCMU, 1000 + 500 * i);
      assertThat(samples[start + 160 * i]).as("packet %d", i).isEqualTo(expected);
      assertThat(samples[start + 160 * i + 159]).as("packet %d end", i).isEqualTo(expected);
    }
    assertThat(samples.length - start).isEqualTo(20 * 160);
    assertThat(stats.packetsLost()).isZero();
  }

  @Test
  void lostPacketBecomesSilenceAndIsCounted() throws Exception {
    CallMedia call = capture.open("lost.wav", List.of(new StreamSpec(0, G711.PCMA)));
    try (RtpTestSource source = new RtpTestSource(G711.PCMA, 1, 0, 0x4444)) {
      RtpTestSource.paced(30, i -> {
        byte[] packet = source.next(RtpTestSource.level(3000));
        if (i != 12) {
          source.send(packet, call.ports().get(0));
        }
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    int start = firstNonZero(samples);
    assertThat(samples.length - start).isEqualTo(30 * 160);
    assertThat(slice(samples, start + 12 * 160, 160)).containsOnly((short) 0);
    assertThat(samples[start + 11 * 160 + 159]).isNotZero();
    assertThat(samples[start + 13 * 160]).isNotZero();
    assertThat(stats.packetsLost()).isEqualTo(1);
    assertThat(stats.packetsReceived()).isEqualTo(29);
  }

  @Test
  void packetsFromSourcePortsNeverOfferedAreRecorded() throws Exception {
    CallMedia call = capture.open("sources.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource first = new RtpTestSource(G711.PCMU, 10, 800, 0x5555)) {
      assertThat(call.ports()).doesNotContain(first.localPort());
      RtpTestSource.paced(40, i -> first.send(first.next(RtpTestSource.tone(1000, i)), call.ports().get(0)));
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    assertThat(stats.packetsReceived()).isEqualTo(40);
    assertThat(stats.packetsLost()).isZero();
    assertThat(ToneAnalysis.dominantFrequency(WavFile.read(call.wavPath()).channel(0), 8000, TONES))
        .isEqualTo(1000);
  }

  @Test
  void garbageDatagramsAreIgnoredWithoutHarm() throws Exception {
    CallMedia call = capture.open("garbage.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 500, 160_000, 0x6666);
        RtpTestSource dtmf = new RtpTestSource(101, 1, 0, 0x6666)) {
      RtpTestSource.paced(30, i -> {
        int port = call.ports().get(0);
        source.send(source.next(RtpTestSource.tone(440, i)), port);
        source.send(new byte[] {1, 2, 3}, port);
        byte[] noise = new byte[172];
        ThreadLocalRandom.current().nextBytes(noise);
        noise[0] = 0x3F;
        source.send(noise, port);
        source.send(dtmf.next(new short[4]), port);
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    CaptureCounters counters = capture.counters();
    assertThat(counters.packetsMalformed()).isEqualTo(60);
    assertThat(counters.packetsIgnored()).isEqualTo(30);
    assertThat(stats.packetsReceived()).isEqualTo(30);
    assertThat(stats.packetsLost()).isZero();
    assertThat(ToneAnalysis.dominantFrequency(WavFile.read(call.wavPath()).channel(0), 8000, TONES))
        .isEqualTo(440);
  }

  @Test
  void ssrcChangeContinuesTheStreamWithoutGapOrLoss() throws Exception {
    CallMedia call = capture.open("ssrc.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource before = new RtpTestSource(G711.PCMU, 100, 1000, 0xAAAA);
        RtpTestSource after = new RtpTestSource(G711.PCMU, 40000, 3_000_000_000L, 0xBBBB)) {
      // One sender that switches SSRC, as an SBC does when the call it forwards changes.
      RtpTestSource.paced(50, i -> before.send((i < 25 ? before : after).next(RtpTestSource.level(2000)),
          call.ports().get(0)));
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    int start = firstNonZero(samples);
    assertThat(slice(samples, start, samples.length - start)).doesNotContain((short) 0);
    assertThat(samples.length - start).isBetween(49 * 160, 51 * 160);
    assertThat(stats.packetsReceived()).isEqualTo(50);
    assertThat(stats.packetsLost()).isZero();
  }

  @Test
  void ssrcChangeAfterAPauseKeepsThePauseAsSilence() throws Exception {
    long[] pausedNanos = new long[1];
    CallMedia call = capture.open("ssrc-pause.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource before = new RtpTestSource(G711.PCMU, 100, 1000, 0xAAAA);
        RtpTestSource after = new RtpTestSource(G711.PCMU, 40000, 3_000_000_000L, 0xBBBB)) {
      long firstBefore = System.nanoTime();
      RtpTestSource.paced(25, i -> before.send(before.next(RtpTestSource.level(2000)), call.ports().get(0)));
      Thread.sleep(600);
      RtpTestSource.paced(25, i -> {
        if (i == 0) {
          // The first source's 25 packets fill 500 ms of its timeline from its first packet; the rest is pause.
          pausedNanos[0] = System.nanoTime() - firstBefore - 500_000_000L;
        }
        before.send(after.next(RtpTestSource.level(2000)), call.ports().get(0));
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    int start = firstNonZero(samples);
    short[] heard = slice(samples, start, samples.length - start);
    // The new source is placed by its arrival, so the pause lasts the time that passed, give or take a capture round
    // (50 ms), a packet's rounding (20 ms) and the capture thread's lateness. A loaded machine stretches the sleep,
    // so the bound is the pause measured where the packets were sent.
    int pauseSamples = (int) (pausedNanos[0] / 1_000_000 * 8);
    assertThat(longestRunOfZeros(heard)).as("the pause, in samples; %d ms passed", pausedNanos[0] / 1_000_000)
        .isGreaterThanOrEqualTo(25 * 160).isBetween(pauseSamples - 150 * 8, pauseSamples + 150 * 8);
    assertThat(slice(heard, 0, 25 * 160)).doesNotContain((short) 0);
    assertThat(slice(heard, heard.length - 25 * 160, 25 * 160)).doesNotContain((short) 0);
    assertThat(stats.packetsReceived()).isEqualTo(50);
    assertThat(stats.packetsLost()).isZero();
  }


  private static int longestRunOfZeros(short[] samples) {
    int longest = 0;
    int run = 0;
    for (short sample : samples) {
      run = sample == 0 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  @Test
  void captureThreadHeldUpLongerThanTheJitterDelayLosesNoAudio() throws Exception {
    assertHeldUpCaptureLosesNoAudio(capture);
  }

  @Test
  void captureThreadHeldUpWhileItsStreamsAreSelectedLosesNoAudio() throws Exception {
    // No receive interval: no stream is ever polled, each waits on the selector with its budget of datagrams.
    MediaCapture selecting = new MediaCapture("127.0.0.1", pool, dataDir.resolve("selecting"), Clock.systemUTC(),
        new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(50), Duration.ZERO).withReceive(receive()));
    try {
      assertHeldUpCaptureLosesNoAudio(selecting);
    } finally {
      selecting.stop();
    }
  }

  private static void holdUp() {
    try {
      Thread.sleep(400);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Holds the capture thread up for twice the jitter delay in the middle of a call; every packet must land. */
  private static void assertHeldUpCaptureLosesNoAudio(MediaCapture capture) throws Exception {
    CallMedia call = capture.open("held-up.wav", List.of(new StreamSpec(0, G711.PCMU)));
    long drainsBefore = capture.drainsAfterLateRounds();
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 9, 1000, 0xD0D0)) {
      RtpTestSource.paced(60, i -> {
        if (i == 20) {
          // The capture thread starved of CPU for longer than the jitter delay while packets keep coming. A sleep,
          // not a park: handing the command over unparks the thread, and a park would take that permit and return.
          capture.executeOnCaptureThreads(MediaCaptureTest::holdUp);
        }
        source.send(source.next(RtpTestSource.level(1800)), call.ports().get(0));
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    assertEveryPacketWhole(call, stats, 60, 160);
    assertThat(capture.drainsAfterLateRounds()).isGreaterThan(drainsBefore);
  }

  @Test
  void streamThatPausesAndResumesKeepsEveryPacketWithTheGapAsSilence() throws Exception {
    CallMedia call = capture.open("pause.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 7, 1000, 0xC0C0)) {
      RtpTestSource.paced(75, i -> {
        byte[] packet = source.next(RtpTestSource.level(2500));
        if (i < 25 || i >= 50) {
          source.send(packet, call.ports().get(0));
        } else {
          // Silence suppression: the timestamp moves on, the sequence number does not.
          source.sequence--;
        }
      });
      // Received while the call is open, not only taken from the socket when it closes.
      await().atMost(Duration.ofSeconds(5)).until(() -> capture.progress(call).durationMillis() >= 75 * 20);
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    int start = firstNonZero(samples);
    assertThat(samples.length - start).isEqualTo(75 * 160);
    assertThat(slice(samples, start + 25 * 160, 25 * 160)).containsOnly((short) 0);
    assertThat(slice(samples, start + 50 * 160, 25 * 160)).doesNotContain((short) 0);
    assertThat(stats.packetsReceived()).isEqualTo(50);
    assertThat(stats.packetsLost()).isZero();
  }

  @Test
  void burstOfPacketsOnAStreamAtItsPaceIsTakenWhole() throws Exception {
    CallMedia call = capture.open("burst.wav", List.of(new StreamSpec(0, G711.PCMA)));
    try (RtpTestSource source = new RtpTestSource(G711.PCMA, 300, 0, 0xB0B0)) {
      RtpTestSource.paced(40, i -> {
        // A network queue letting go: 30 packets at once in the middle of the stream.
        int packets = i == 20 ? 31 : 1;
        for (int p = 0; p < packets; p++) {
          source.send(source.next(RtpTestSource.level(1500)), call.ports().get(0));
        }
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> capture.progress(call).durationMillis() >= 70 * 20);
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    assertEveryPacketWhole(call, stats, 70, 160);
  }

  @Test
  void thirtyMillisecondPacketsAreRecordedForTheirWholeLength() throws Exception {
    CallMedia call = capture.open("ptime30.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 1, 0, 0x3030)) {
      RtpTestSource.paced(40, 30, i -> source.send(source.next(RtpTestSource.level(2000, 240)), call.ports().get(0)));
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    assertEveryPacketWhole(call, stats, 40, 240);
  }

  @Test
  void manyConcurrentCallsAtTheirPaceLoseNothing() throws Exception {
    int calls = 25;
    List<CallMedia> opened = new java.util.ArrayList<>();
    List<RtpTestSource> sources = new java.util.ArrayList<>();
    try {
      for (int c = 0; c < calls; c++) {
        opened.add(capture.open("many/call-" + c + ".wav",
            List.of(new StreamSpec(0, G711.PCMU), new StreamSpec(1, G711.PCMA))));
        sources.add(new RtpTestSource(G711.PCMU, c, 0, 2 * c + 1));
        sources.add(new RtpTestSource(G711.PCMA, c, 0, 2 * c + 2));
      }
      RtpTestSource.paced(50, i -> {
        for (int s = 0; s < sources.size(); s++) {
          RtpTestSource source = sources.get(s);
          source.send(source.next(RtpTestSource.tone(s % 2 == 0 ? 440 : 1000, i)), opened.get(s / 2).ports().get(s % 2));
        }
      });
    } finally {
      for (RtpTestSource source : sources) {
        source.close();
      }
    }
    for (CallMedia call : opened) {
      MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);
      assertThat(stats.packetsReceived()).as("%s", call).isEqualTo(100);
      assertThat(stats.packetsLost()).as("%s", call).isZero();
      WavAudio audio = WavFile.read(call.wavPath());
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(0), 8000, TONES)).isEqualTo(440);
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(1), 8000, TONES)).isEqualTo(1000);
    }
    assertThat(capture.counters().packetsReceived()).isEqualTo(calls * 100L);
  }

  @Test
  void shortJitterDelaySelectsEveryDatagramAndLosesNothing() throws Exception {
    MediaCapture quick = new MediaCapture("127.0.0.1", pool, dataDir, Clock.systemUTC(),
        new CaptureSettings(1, Duration.ofMillis(40), Duration.ofMillis(20)).withReceive(receive()));
    try {
      CallMedia call = quick.open("quick.wav", List.of(new StreamSpec(0, G711.PCMU), new StreamSpec(1, G711.PCMU)));
      try (RtpTestSource a = new RtpTestSource(G711.PCMU, 0, 0, 0xA1); RtpTestSource b = new RtpTestSource(G711.PCMU, 9, 0, 0xB2)) {
        RtpTestSource.paced(50, i -> {
          a.send(a.next(RtpTestSource.tone(440, i)), call.ports().get(0));
          b.send(b.next(RtpTestSource.tone(1000, i)), call.ports().get(1));
        });
      }
      MediaStats stats = quick.close(call).get(10, TimeUnit.SECONDS);

      assertThat(stats.packetsReceived()).isEqualTo(100);
      assertThat(stats.packetsLost()).isZero();
      WavAudio audio = WavFile.read(call.wavPath());
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(0), 8000, TONES)).isEqualTo(440);
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(1), 8000, TONES)).isEqualTo(1000);
      assertThat(HeardAudio.framesFromLaterStart(audio)).as("frames from the later stream's first sound")
          .isBetween(49 * 160, 50 * 160);
      assertThat(stats.durationMillis()).isEqualTo(audio.frames() / 8);
    } finally {
      quick.stop();
    }
  }

  @Test
  void closeReportsStatsFreesPortsAndIsIdempotent() throws Exception {
    CallMedia call = capture.open("close.wav", List.of(new StreamSpec(0, G711.PCMU), new StreamSpec(1, G711.PCMU)));
    assertThat(pool.allocatedCount()).isEqualTo(2);
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 0, 0, 1)) {
      RtpTestSource.paced(25, i -> source.send(source.next(RtpTestSource.tone(440, i)), call.ports().get(1)));
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    assertThat(capture.close(call)).isCompletedWithValue(stats);
    assertThat(pool.allocatedCount()).isZero();
    assertThat(stats.bytes()).isEqualTo(Files.size(call.wavPath()) - 44);
    assertThat(stats.durationMillis()).isEqualTo(WavFile.durationMillis(call.wavPath()));
    assertThat(stats.durationMillis()).isBetween(500L, 560L);
    assertThat(capture.counters().openCalls()).isZero();
  }

  @Test
  void wavOfAbandonedWriterIsRepairedToTheMediaWrittenSoFar() throws Exception {
    CallMedia call = capture.open("abandoned.wav", List.of(new StreamSpec(0, G711.PCMU), new StreamSpec(1, G711.PCMU)));
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 0, 0, 9)) {
      RtpTestSource.paced(50, i -> source.send(source.next(RtpTestSource.tone(1000, i)), call.ports().get(0)));
      await().atMost(Duration.ofSeconds(5)).until(() -> capture.progress(call).durationMillis() >= 800);
    }
    Path copy = dataDir.resolve("left-behind.wav");
    Files.copy(call.wavPath(), copy);
    assertThat(WavFile.dataBytes(copy)).isZero();

    long dataBytes = WavFile.repair(copy, 2);

    assertThat(dataBytes).isGreaterThanOrEqualTo(800 * 8 * 4);
    WavAudio audio = WavFile.read(copy);
    assertThat(audio.channels()).isEqualTo(2);
    assertThat(ToneAnalysis.dominantFrequency(audio.channel(0), 8000, TONES)).isEqualTo(1000);
    capture.close(call).get(10, TimeUnit.SECONDS);
  }

  @Test
  void stopFinalisesCallsStillOpen() throws Exception {
    CallMedia call = capture.open("open-at-stop.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 0, 0, 9)) {
      RtpTestSource.paced(10, i -> source.send(source.next(RtpTestSource.tone(440, i)), call.ports().get(0)));
    }
    capture.stop();

    assertThat(capture.close(call)).isCompleted();
    assertThat(WavFile.durationMillis(call.wavPath())).isEqualTo(capture.close(call).get().durationMillis());
    assertThat(WavFile.read(call.wavPath()).frames()).isGreaterThanOrEqualTo(9 * 160);
  }

  @Test
  void openRejectsPathOutsideDataDirectoryAndSharedChannels() {
    assertThatThrownBy(() -> capture.open("../escape.wav", List.of(new StreamSpec(0, 0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside the data directory");
    assertThatThrownBy(() -> capture.open("x.wav", List.of(new StreamSpec(0, 0), new StreamSpec(0, 8))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel 0 twice");
    assertThatThrownBy(() -> new StreamSpec(0, 101))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a static audio payload type");
    assertThat(pool.allocatedCount()).isZero();
  }

  @Test
  void wavIsValidFromTheMomentTheCallOpens() throws Exception {
    CallMedia call = capture.open("deep/folders/new.wav", List.of(new StreamSpec(0, 0), new StreamSpec(1, 0)));

    WavAudio audio = WavFile.read(call.wavPath());
    assertThat(audio.channels()).isEqualTo(2);
    assertThat(audio.frames()).isZero();
    assertThatThrownBy(() -> capture.open("deep/folders/new.wav", List.of(new StreamSpec(0, 0))))
        .hasMessageContaining("cannot create media file");
    capture.close(call).get(10, TimeUnit.SECONDS);
  }

  /**
   * Every one of {@code packets} packets of {@code samplesPerPacket} samples is received and written whole:
   * from the first sound on, channel 0 holds exactly their samples, none of them silent.
   */
  private static void assertEveryPacketWhole(CallMedia call, MediaStats stats, int packets, int samplesPerPacket)
      throws IOException {
    short[] samples = WavFile.read(call.wavPath()).channel(0);
    int start = firstNonZero(samples);
    assertThat(slice(samples, start, samples.length - start)).doesNotContain((short) 0);
    assertThat(samples.length - start).isEqualTo(packets * samplesPerPacket);
    assertThat(stats.packetsReceived()).isEqualTo(packets);
    assertThat(stats.packetsLost()).isZero();
  }

  private static int firstNonZero(short[] samples) {
    for (int i = 0; i < samples.length; i++) {
      if (samples[i] != 0) {
        return i;
      }
    }
    throw new AssertionError("the recording is silent");
  }

  private static short[] slice(short[] samples, int from, int length) {
    return java.util.Arrays.copyOfRange(samples, from, from + length);
  }
}
