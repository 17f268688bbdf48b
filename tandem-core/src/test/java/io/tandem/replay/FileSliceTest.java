package io.tandem.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSliceTest {
  @TempDir
  Path directory;

  @Test
  void copiesTheInclusiveSlice() throws IOException {
    Path file = Files.write(directory.resolve("media.wav"), "0123456789".getBytes());
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    FileSlice.copy(file, 3, 6, out);

    assertThat(out.toString()).isEqualTo("3456");
  }

  @Test
  void sliceBeyondTheFileFailsClearly() throws IOException {
    Path file = Files.write(directory.resolve("short.wav"), "0123".getBytes());

    assertThatThrownBy(() -> FileSlice.copy(file, 2, 9, new ByteArrayOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ended at byte 4");
  }
}
