package io.tandem.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Inum;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.media.sealed.SealedMediaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
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

  @Test
  void aCopyIsOpenedByItsLocationAndReadAtAnyPosition() throws IOException {
    Path source = media("source.wav", 10_000, 5);
    ArchivedCopy copy = archive.copy(source, folder.resolve("archive"), INUM, START);

    try (MediaChannel channel = archive.open(copy.location())) {
      assertThat(channel.size()).isEqualTo(10_000);
      ByteBuffer middle = ByteBuffer.allocate(100);
      channel.readFully(middle, 5_000);
      assertThat(middle.array()).isEqualTo(Arrays.copyOfRange(Files.readAllBytes(source), 5_000, 5_100));
    }
  }

  @Test
  void aFolderSeenElsewhereIsWrittenAndReadThereUnderTheLocationTheRecordersWrite() throws IOException {
    Path target = folder.resolve("archive").toAbsolutePath();
    Path seenAt = Files.createDirectories(folder.resolve("mounted"));
    FilesystemArchive mounted = new FilesystemArchive(MediaFiles.plain(),
        new ArchiveMounts(List.of(new ArchiveMounts.Mount("shared", target, seenAt))));
    Path source = media("source.wav", 2_000, 3);

    ArchivedCopy copy = mounted.copy(source, target, INUM, START);

    assertThat(copy.location()).isEqualTo(target.resolve("2026/11/26/123456000000042.wav").toString());
    assertThat(seenAt.resolve("2026/11/26/123456000000042.wav")).hasSameBinaryContentAs(source);
    assertThat(target).doesNotExist();
    try (MediaChannel channel = mounted.open(copy.location())) {
      assertThat(channel.size()).isEqualTo(2_000);
    }
  }

  @Test
  void aCopyThisHostCannotReachIsSaidToBeUnreachable() throws IOException {
    Path target = folder.resolve("archive").toAbsolutePath();
    ArchivedCopy copy = archive.copy(media("source.wav", 100, 1), target, INUM, START);
    FilesystemArchive mountedNowhere = new FilesystemArchive(MediaFiles.plain(),
        new ArchiveMounts(List.of(new ArchiveMounts.Mount("shared", target, folder.resolve("not-mounted")))));

    assertThatThrownBy(() -> mountedNowhere.open(copy.location()))
        .isInstanceOf(ArchiveUnreachableException.class)
        .hasMessage("archive folder " + target + " is mounted here at " + folder.resolve("not-mounted")
            + ", which is not a folder");
    Files.delete(Path.of(copy.location()));
    assertThatThrownBy(() -> archive.open(copy.location()))
        .isInstanceOf(ArchiveUnreachableException.class)
        .hasMessage("archived file " + copy.location() + " is not on this host, and no archive mount says where its "
            + "folder is seen");
  }

  @Test
  void aSealedCopyIsOpenedWithTheKeysAndRefusedWithoutThem() throws IOException {
    MediaFiles sealing = MediaFiles.of(MediaKeys.generate(), true);
    Path source = folder.resolve("sealed.wav");
    byte[] plain = Files.readAllBytes(media("plain.wav", 70_000, 11));
    try (var out = sealing.newOutputStream(source)) {
      out.write(plain);
    }
    FilesystemArchive withKeys = new FilesystemArchive(MediaFiles.of(sealing.keys(), false));
    ArchivedCopy copy = withKeys.copy(source, folder.resolve("archive"), INUM, START);

    try (MediaChannel channel = withKeys.open(copy.location())) {
      ByteBuffer all = ByteBuffer.allocate(plain.length);
      channel.readFully(all, 0);
      assertThat(all.array()).isEqualTo(plain);
    }
    assertThatThrownBy(() -> archive.open(copy.location())).isInstanceOf(SealedMediaException.class);
  }

  private Path media(String name, int size, int seed) throws IOException {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * seed);
    }
    return Files.write(folder.resolve(name), bytes);
  }
}
