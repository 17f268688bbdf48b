package io.tandem.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.sealed.MediaKeys;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAnswerTest {
  @TempDir Path dir;

  @Test
  void noRangeIsTheWholeFile() throws Exception {
    byte[] bytes = bytes(1000);
    FileAnswer answer = FileAnswer.of(write("a.wav", bytes), null);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.headers()).isEqualTo(Map.of("Accept-Ranges", "bytes", "Content-Length", "1000"));
    assertThat(body(answer)).isEqualTo(bytes);
  }

  @Test
  void aRangeIsExactlyItsBytes() throws Exception {
    byte[] bytes = bytes(1000);
    FileAnswer answer = FileAnswer.of(write("a.wav", bytes), "bytes=44-99");

    assertThat(answer.status()).isEqualTo(206);
    assertThat(answer.headers()).isEqualTo(Map.of("Accept-Ranges", "bytes", "Content-Length", "56",
        "Content-Range", "bytes 44-99/1000"));
    assertThat(body(answer)).isEqualTo(Arrays.copyOfRange(bytes, 44, 100));
  }

  @Test
  void anAnswerFromAnOpenChannelIsExactAndLeavesTheChannelToItsCaller() throws Exception {
    byte[] bytes = bytes(1000);
    Path file = write("a.wav", bytes);
    try (MediaChannel channel = MediaFiles.plain().open(file, false)) {
      FileAnswer answer = FileAnswer.ofOpen(channel, file.toString(), "bytes=100-199");

      assertThat(answer.status()).isEqualTo(206);
      assertThat(body(answer)).isEqualTo(Arrays.copyOfRange(bytes, 100, 200));
      assertThat(body(answer)).as("a second write from the same channel").isEqualTo(Arrays.copyOfRange(bytes, 100, 200));
      assertThat(channel.size()).as("the channel still open").isEqualTo(1000);
    }
  }

  @Test
  void aSealedFileIsAnsweredWithExactlyThePlainBytesAsked() throws Exception {
    byte[] bytes = bytes(50_000);
    MediaFiles sealed = MediaFiles.of(MediaKeys.generate(), true);
    Path file = dir.resolve("sealed.wav");
    try (MediaChannel channel = sealed.create(file)) {
      channel.write(ByteBuffer.wrap(bytes), 0);
    }
    assertThat(Files.size(file)).isNotEqualTo(bytes.length);
    for (String range : new String[] {null, "bytes=0-0", "bytes=4000-4200", "bytes=4065-4066", "bytes=8131-20000",
        "bytes=-1", "bytes=-4066", "bytes=49999-"}) {
      FileAnswer plain = FileAnswer.of(write("plain.wav", bytes), range);
      FileAnswer answer = FileAnswer.of(sealed, file, range);
      assertThat(answer.status()).as(range).isEqualTo(plain.status());
      assertThat(answer.headers()).as(range).isEqualTo(plain.headers());
      assertThat(body(answer)).as(range).isEqualTo(body(plain));
    }
    assertThatThrownBy(() -> FileAnswer.of(sealed, file, "bytes=50000-"))
        .isInstanceOf(RangeNotSatisfiableException.class);
  }

  @Test
  void aRangePastTheEndIsNotSatisfiable() throws Exception {
    Path file = write("a.wav", bytes(1000));

    assertThatThrownBy(() -> FileAnswer.of(file, "bytes=1000-"))
        .isInstanceOfSatisfying(RangeNotSatisfiableException.class,
            e -> assertThat(e.contentRange()).isEqualTo("bytes */1000"));
  }

  @Test
  void anEmptyFileIsAnEmptyWhole() throws Exception {
    FileAnswer answer = FileAnswer.of(write("empty.wav", new byte[0]), null);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.headers()).containsEntry("Content-Length", "0");
    assertThat(body(answer)).isEmpty();
  }

  private Path write(String name, byte[] bytes) throws Exception {
    return Files.write(dir.resolve(name), bytes);
  }

  private static byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 7 + 3);
    }
    return bytes;
  }

  private static byte[] body(FileAnswer answer) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    answer.writeTo(out);
    return out.toByteArray();
  }
}
