package io.tandem.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
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
