package io.tandem.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Inum;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemArchiveTest {
  private static final Inum INUM = Inum.of(123456, 42);
  private static final Instant START = Instant.parse("2026-11-26T23:59:59Z");

  @TempDir
  Path folder;
  private final FilesystemArchive archive = new FilesystemArchive();

  @Test
  void copyLandsUnderUtcDateFolderWithTheSourceChecksum() throws IOException {
    Path source = media("source.wav", 10_000, 7);

    ArchivedCopy copy = archive.copy(source, folder.resolve("archive"), INUM, START);

    Path expected = folder.resolve("archive/2026/11/26/123456000000042.wav").toAbsolutePath();
    assertThat(copy.location()).isEqualTo(expected.toString());
    assertThat(copy.sha256()).isEqualTo(FilesystemArchive.sha256(source)).hasSize(64);
    assertThat(copy.bytes()).isEqualTo(10_000);
    assertThat(Files.readAllBytes(expected)).isEqualTo(Files.readAllBytes(source));
    try (var left = Files.list(expected.getParent())) {
      assertThat(left).containsExactly(expected);
    }
  }

  @Test
  void copyingAgainReusesAnIdenticalCopy() throws IOException {
    Path source = media("source.wav", 1_000, 1);
    ArchivedCopy first = archive.copy(source, folder.resolve("archive"), INUM, START);
    long modified = Files.getLastModifiedTime(Path.of(first.location())).toMillis();
    Files.setLastModifiedTime(Path.of(first.location()), java.nio.file.attribute.FileTime.fromMillis(modified - 60_000));

    ArchivedCopy second = archive.copy(source, folder.resolve("archive"), INUM, START);

    assertThat(second).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(Path.of(second.location())).toMillis()).isEqualTo(modified - 60_000);
  }

  @Test
  void aDifferingCopyIsReplaced() throws IOException {
    Path stale = media("stale.wav", 500, 3);
    archive.copy(stale, folder.resolve("archive"), INUM, START);
    Path source = media("source.wav", 800, 9);

    ArchivedCopy copy = archive.copy(source, folder.resolve("archive"), INUM, START);

    assertThat(Files.readAllBytes(Path.of(copy.location()))).isEqualTo(Files.readAllBytes(source));
    assertThat(copy.sha256()).isEqualTo(FilesystemArchive.sha256(source));
  }

  @Test
  void missingSourceIsAClearError() {
    assertThatThrownBy(() -> archive.copy(folder.resolve("absent.wav"), folder.resolve("archive"), INUM, START))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining(INUM.toString());
  }

  private Path media(String name, int size, int seed) throws IOException {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * seed);
    }
    return Files.write(folder.resolve(name), bytes);
  }
}
