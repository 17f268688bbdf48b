package io.tandem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaCheckTest {
  private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

  @TempDir
  Path dataDir;

  @Test
  void soundWavAgreeingWithItsStatisticsPasses() throws IOException {
    write("a.wav", wav(1, 16_000));

    assertThat(new MediaCheck(dataDir).problem(call("a.wav", 16_000, 1_000))).isEmpty();
  }

  @Test
  void missingFileAndDirectoryAreMissing() throws IOException {
    Files.createDirectories(dataDir.resolve("dir.wav"));

    assertThat(new MediaCheck(dataDir).problem(call("none.wav", 16_000, 1_000))).hasValueSatisfying(
        problem -> assertThat(problem).isEqualTo("media file none.wav is missing"));
    assertThat(new MediaCheck(dataDir).problem(call("dir.wav", 16_000, 1_000))).hasValueSatisfying(
        problem -> assertThat(problem).isEqualTo("media file dir.wav is missing"));
  }

  @Test
  void fileShorterThanAHeaderOrNotAWavIsRefused() throws IOException {
    write("short.wav", new byte[20]);
    write("text.wav", new byte[44 + 16_000]);

    assertThat(new MediaCheck(dataDir).problem(call("short.wav", 0, 0))).hasValueSatisfying(
        problem -> assertThat(problem).contains("shorter than a WAV header"));
    assertThat(new MediaCheck(dataDir).problem(call("text.wav", 16_000, 1_000))).hasValueSatisfying(
        problem -> assertThat(problem).contains("not a WAV file"));
  }

  @Test
  void noFileOrLessThanAHeaderMeansNoMediaWhileAnythingElseWrongIsUnsound() throws IOException {
    write("short.wav", new byte[20]);
    write("text.wav", new byte[44 + 16_000]);
    write("a.wav", wav(1, 16_000));
    MediaCheck check = new MediaCheck(dataDir);

    assertThat(check.verdict(call("none.wav", 16_000, 1_000)).kind()).isEqualTo(MediaVerdict.Kind.NONE);
    assertThat(check.verdict(call("short.wav", 0, 0)).kind()).isEqualTo(MediaVerdict.Kind.NONE);
    assertThat(check.verdict(call("text.wav", 16_000, 1_000)).kind()).isEqualTo(MediaVerdict.Kind.UNSOUND);
    assertThat(check.verdict(call("a.wav", 8_000, 500)).kind()).isEqualTo(MediaVerdict.Kind.UNSOUND);
    assertThat(check.verdict(call("a.wav", 16_000, 1_000)).kind()).isEqualTo(MediaVerdict.Kind.SOUND);
  }

  @Test
  void wavDisagreeingWithItsStatisticsIsRefused() throws IOException {
    write("a.wav", wav(2, 16_000));

    assertThat(new MediaCheck(dataDir).problem(call("a.wav", 16_000, 1_000))).hasValueSatisfying(
        problem -> assertThat(problem).contains("plays for 500 ms on 2 channel(s)"));
    assertThat(new MediaCheck(dataDir).problem(call("a.wav", 8_000, 1_000))).hasValueSatisfying(
        problem -> assertThat(problem).contains("16000 data bytes but the statistics count 8000"));
  }

  @Test
  void aDecodedWavIsMeasuredAtTheRateItsHeaderGives() throws IOException {
    write("wide.wav", wav(2, 16000, 128_000));

    assertThat(new MediaCheck(dataDir).problem(call("wide.wav", 128_000, 2_000))).isEmpty();
    assertThat(new MediaCheck(dataDir).problem(call("wide.wav", 128_000, 8_000))).hasValueSatisfying(
        problem -> assertThat(problem).contains("plays for 2000 ms on 2 channel(s)"));
  }

  private void write(String name, byte[] content) throws IOException {
    Files.write(dataDir.resolve(name), content);
  }

  private static byte[] wav(int channels, int dataBytes) {
    return wav(channels, 8000, dataBytes);
  }

  private static byte[] wav(int channels, int rate, int dataBytes) {
    ByteBuffer file = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    file.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
        .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
        .putShort((short) channels).putInt(rate).putInt(2 * rate * channels).putShort((short) (2 * channels))
        .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
    return file.array();
  }

  private static CallRecord call(String mediaPath, long bytes, long durationMillis) {
    return new CallRecord(Inum.of(123456, 1), "conv-1", START, START.plusMillis(durationMillis), CallRole.MASTER,
        CallState.COMPLETE, List.of(), List.of(), new MediaStats(durationMillis / 20, 0, bytes, durationMillis),
        mediaPath);
  }
}
