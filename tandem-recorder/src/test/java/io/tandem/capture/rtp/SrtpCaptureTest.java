package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.MediaStats;
import io.tandem.capture.srtp.SdesCrypto;
import io.tandem.capture.srtp.SrtpSender;
import io.tandem.capture.srtp.SrtpSuite;
import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SRTP streams captured: authenticated, decrypted and placed; forged and replayed packets counted and dropped. */
class SrtpCaptureTest {
  /** How the capture reads its sockets; {@link SrtpCaptureBatchTest} runs these tests again with batches. */
  ReceiveMode receive() {
    return ReceiveMode.PLAIN;
  }

  private static final double[] TONES = {440, 1000};

  @TempDir Path dataDir;
  private MediaCapture capture;

  @BeforeEach
  void startCapture() {
    int base = 21_000 + 2 * ThreadLocalRandom.current().nextInt(5_000);
    capture = new MediaCapture("127.0.0.1", new RtpPortPool(base, base + 40), dataDir, Clock.systemUTC(),
        new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(50)).withReceive(receive()));
  }

  @AfterEach
  void stopCapture() {
    capture.stop();
  }

  @ParameterizedTest
  @EnumSource(SrtpSuite.class)
  void srtpIsRecordedAsItsPlainAudio(SrtpSuite suite) throws Exception {
    SdesCrypto key = SdesCrypto.random(1, suite);
    CallMedia call = capture.open("srtp.wav", List.of(new StreamSpec(0, List.of(format()), key)));
    SrtpSender sender = new SrtpSender(key);
    try (RtpTestSource sbc = new RtpTestSource(G711.PCMU, 65_500, 8000, 0x4242)) {
      // Sequence numbers that wrap: the rollover counter moves on at both ends.
      RtpTestSource.paced(50, i -> sbc.send(protect(sender, sbc.next(RtpTestSource.tone(1000, i))),
          call.ports().get(0)));
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    assertThat(samples.length).isEqualTo(50 * 160);
    assertThat(ToneAnalysis.dominantFrequency(samples, 8000, TONES)).isEqualTo(1000);
    assertThat(stats.packetsReceived()).isEqualTo(50);
    assertThat(stats.packetsLost()).isZero();
  }

  @Test
  void packetsWithABadTagOrReplayedAreCountedAndLeaveTheAudioAlone() throws Exception {
    SdesCrypto key = SdesCrypto.random(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80);
    CallMedia call = capture.open("forged.wav", List.of(new StreamSpec(0, List.of(format()), key)));
    SrtpSender sender = new SrtpSender(key);
    SrtpSender stranger = new SrtpSender(SdesCrypto.random(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80));
    List<byte[]> sent = new ArrayList<>();
    try (RtpTestSource sbc = new RtpTestSource(G711.PCMU, 100, 8000, 0x4242)) {
      RtpTestSource.paced(40, i -> {
        byte[] good = protect(sender, sbc.next(RtpTestSource.tone(440, i)));
        sent.add(good);
        sbc.send(good, call.ports().get(0));
        // Packets of numbers not yet seen: a payload changed on the way, and one under another key.
        byte[] flipped = good.clone();
        flipped[3] += 1;
        flipped[20] ^= 0x55;
        sbc.send(flipped, call.ports().get(0));
        byte[] forged = sbc.next(RtpTestSource.level(12_000));
        forged[2] += 2;
        sbc.sequence--;
        sbc.timestamp -= 160;
        sbc.send(protect(stranger, forged), call.ports().get(0));
        if (i >= 5) {
          sbc.send(sent.get(i - 5), call.ports().get(0));
        }
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    assertThat(ToneAnalysis.dominantFrequency(samples, 8000, TONES)).isEqualTo(440);
    assertThat(samples).doesNotContain(RtpTestSource.decodedLevel(G711.PCMU, 12_000));
    assertThat(stats.packetsReceived()).isEqualTo(40);
    assertThat(capture.counters().srtpUnauthentic()).isEqualTo(80);
    assertThat(capture.counters().srtpReplayed()).isEqualTo(35);
  }

  @ParameterizedTest
  @EnumSource(SrtpSuite.class)
  void srtpFromFfmpegIsRecorded(SrtpSuite suite) throws Exception {
    RealEncoders.requireFfmpeg();
    SdesCrypto key = SdesCrypto.random(1, suite);
    CallMedia call = capture.open("ffmpeg.wav", List.of(new StreamSpec(0, List.of(format()), key)));
    String keyAndSalt = Base64.getEncoder().encodeToString(concat(key.masterKey(), key.masterSalt()));
    Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
        "sine=frequency=1000:sample_rate=8000:samples_per_frame=160:duration=2", "-c:a", "pcm_mulaw", "-f", "rtp",
        "-srtp_out_suite", suite.name(), "-srtp_out_params", keyAndSalt,
        "srtp://127.0.0.1:" + call.ports().get(0)).redirectErrorStream(true).start();
    assertThat(ffmpeg.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String output = new String(ffmpeg.getInputStream().readAllBytes());
    assertThat(ffmpeg.exitValue()).as(output).isZero();
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    short[] samples = WavFile.read(call.wavPath()).channel(0);
    assertThat(ToneAnalysis.dominantFrequency(samples, 8000, TONES)).isEqualTo(1000);
    assertThat(samples.length).isBetween(2 * 8000 - 320, 2 * 8000 + 320);
    assertThat(stats.packetsReceived()).isEqualTo(100);
    assertThat(capture.counters().srtpUnauthentic()).isZero();
  }

  private static io.tandem.capture.sip.PayloadFormat format() {
    return io.tandem.capture.sip.PayloadFormat.of(G711.PCMU, "PCMU/8000", null);
  }

  private static byte[] protect(SrtpSender sender, byte[] rtp) {
    byte[] room = Arrays.copyOf(rtp, rtp.length + sender.overhead());
    return Arrays.copyOf(room, sender.protect(room, rtp.length));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
