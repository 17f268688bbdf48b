package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.call.MediaStats;
import io.tandem.media.G711;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import io.tandem.media.sealed.MediaKeys;
import java.nio.file.Files;
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

/** Capture into media sealed at rest: the WAV is sealed as it is written, flush by flush, and reads back whole. */
class SealedCaptureTest {
  private static final double[] TONES = {440, 1000};

  @TempDir Path dataDir;
  private final MediaFiles files = MediaFiles.of(MediaKeys.generate(), true);
  private MediaCapture capture;

  @BeforeEach
  void startCapture() {
    int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
    capture = new MediaCapture("127.0.0.1", new RtpPortPool(base, base + 200), dataDir, Clock.systemUTC(),
        new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(50)), files);
  }

  @AfterEach
  void stopCapture() {
    capture.stop();
  }

  @Test
  void aKnownToneIsReadBackFromTheSealedFileAndNoneOfItsSamplesAreOnDisk() throws Exception {
    CallMedia call = capture.open("2026/12/02/sealed.wav",
        List.of(new StreamSpec(0, G711.PCMU), new StreamSpec(1, G711.PCMA)));
    try (RtpTestSource caller = new RtpTestSource(G711.PCMU, 100, 5000, 0x1111);
        RtpTestSource callee = new RtpTestSource(G711.PCMA, 7, 90000, 0x2222)) {
      RtpTestSource.paced(150, i -> {
        caller.send(caller.next(RtpTestSource.tone(440, i)), call.ports().get(0));
        callee.send(callee.next(RtpTestSource.tone(1000, i)), call.ports().get(1));
      });
    }
    MediaStats stats = capture.close(call).get(10, TimeUnit.SECONDS);

    WavAudio audio = WavFile.read(files, call.wavPath());
    assertThat(ToneAnalysis.dominantFrequency(audio.channel(0), 8000, TONES)).isEqualTo(440);
    assertThat(ToneAnalysis.dominantFrequency(audio.channel(1), 8000, TONES)).isEqualTo(1000);
    assertThat((long) audio.frames() * 4).isEqualTo(stats.bytes());
    byte[] disk = Files.readAllBytes(call.wavPath());
    assertThat(new String(disk, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("TNDMSEAL");
    byte[] plain = samples(audio, 2000, 16);
    assertThat(indexOf(disk, plain)).as("a run of the tone's samples in the sealed file").isNegative();
  }

  @Test
  void whatWasFlushedBeforeTheCallEndsIsReadableFromTheSealedFileAsItGrows() throws Exception {
    CallMedia call = capture.open("growing.wav", List.of(new StreamSpec(0, G711.PCMU)));
    try (RtpTestSource source = new RtpTestSource(G711.PCMU, 1, 1000, 0x4444)) {
      RtpTestSource.paced(100, i -> source.send(source.next(RtpTestSource.tone(440, i)), call.ports().get(0)));
      // The capture is still open: what the flushes wrote is on disk, sealed chunk by chunk, the last one partial.
      await().atMost(Duration.ofSeconds(5)).until(() -> plainSize(call.wavPath()) >= 44 + 1600 * 2 * 8);
      try (MediaChannel open = files.open(call.wavPath(), false)) {
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(4);
        open.readFully(header, 0);
        assertThat(new String(header.array(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
      }
    }
    capture.close(call).get(10, TimeUnit.SECONDS);
    assertThat(WavFile.read(files, call.wavPath()).frames()).isBetween(15_500, 16_500);
  }

  private long plainSize(Path wav) throws Exception {
    try (MediaChannel open = files.open(wav, false)) {
      return open.size();
    }
  }

  private static byte[] samples(WavAudio audio, int from, int frames) {
    byte[] bytes = new byte[frames * audio.channels() * 2];
    int at = 0;
    for (int f = from; f < from + frames; f++) {
      for (int c = 0; c < audio.channels(); c++) {
        short sample = audio.channel(c)[f];
        bytes[at++] = (byte) sample;
        bytes[at++] = (byte) (sample >> 8);
      }
    }
    assertThat(Arrays.equals(bytes, new byte[bytes.length])).as("the probe is not silence").isFalse();
    return bytes;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
