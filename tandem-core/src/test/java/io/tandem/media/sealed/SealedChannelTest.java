package io.tandem.media.sealed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedChannelTest {
  @TempDir
  Path dir;

  private final MediaFiles sealed = MediaFiles.of(MediaKeys.generate(), true);

  @Test
  void randomWritesReadBackAsAPlainFileWouldHoldThem() throws IOException {
    Random random = new Random(7);
    Path file = dir.resolve("random.wav");
    byte[] expected = new byte[0];
    try (MediaChannel channel = sealed.create(file)) {
      for (int i = 0; i < 300; i++) {
        int length = random.nextInt(i % 10 == 0 ? 20_000 : 700) + 1;
        long at = random.nextInt(3) == 0 ? random.nextInt(expected.length + 1) : expected.length
            + (random.nextInt(8) == 0 ? random.nextInt(5000) : 0);
        byte[] data = new byte[length];
        random.nextBytes(data);
        channel.write(ByteBuffer.wrap(data), at);
        expected = apply(expected, data, at);
        assertThat(channel.size()).isEqualTo(expected.length);
        if (i % 50 == 0) {
          assertThat(readAll(channel)).isEqualTo(expected);
        }
      }
    }
    try (MediaChannel reopened = sealed.open(file, false)) {
      assertThat(reopened.size()).isEqualTo(expected.length);
      assertThat(readAll(reopened)).isEqualTo(expected);
      for (int i = 0; i < 200; i++) {
        int first = random.nextInt(expected.length);
        int length = Math.min(random.nextInt(10_000) + 1, expected.length - first);
        ByteBuffer slice = ByteBuffer.allocate(length);
        reopened.readFully(slice, first);
        assertThat(slice.array()).isEqualTo(Arrays.copyOfRange(expected, first, first + length));
      }
    }
  }

  @Test
  void theBytesOnDiskHoldNoneOfThePlainBytes() throws IOException {
    Path file = dir.resolve("tone.wav");
    byte[] pattern = new byte[50_000];
    for (int i = 0; i < pattern.length; i++) {
      pattern[i] = (byte) (i % 31);
    }
    try (MediaChannel channel = sealed.create(file)) {
      channel.write(ByteBuffer.wrap(pattern), 0);
    }
    byte[] disk = Files.readAllBytes(file);
    assertThat(indexOf(disk, Arrays.copyOfRange(pattern, 1000, 1016))).isNegative();
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void truncationAndRepairedHeadersKeepTheFileReadable() throws IOException {
    Path file = dir.resolve("cut.wav");
    byte[] data = new byte[3 * SealedChannel.CHUNK + 100];
    new Random(3).nextBytes(data);
    try (MediaChannel channel = sealed.create(file)) {
      channel.write(ByteBuffer.wrap(data), 0);
      channel.truncate(2 * SealedChannel.CHUNK + 17);
      channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 0);
    }
    byte[] expected = Arrays.copyOf(data, 2 * SealedChannel.CHUNK + 17);
    System.arraycopy(new byte[] {1, 2, 3, 4}, 0, expected, 0, 4);
    try (MediaChannel reopened = sealed.open(file, false)) {
      assertThat(readAll(reopened)).isEqualTo(expected);
    }
  }

  @Test
  void aLastSlotTornByACrashIsDroppedAndWhatPrecedesItKept() throws IOException {
    Path file = dir.resolve("torn.wav");
    byte[] data = new byte[2 * SealedChannel.CHUNK + 500];
    new Random(5).nextBytes(data);
    try (MediaChannel channel = sealed.create(file)) {
      channel.write(ByteBuffer.wrap(data), 0);
    }
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      raw.seek(raw.length() - 20);
      raw.write(new byte[] {9, 9, 9, 9});
    }
    try (MediaChannel recovered = sealed.recover(file)) {
      assertThat(readAll(recovered)).isEqualTo(Arrays.copyOf(data, 2 * SealedChannel.CHUNK));
    }
  }

  @Test
  void aPartialChunkCutShortByTheKernelStillReadsWhatItsLastWholeSealHeld() throws IOException {
    Path file = dir.resolve("short.wav");
    byte[] data = new byte[SealedChannel.CHUNK + 300];
    new Random(11).nextBytes(data);
    try (MediaChannel channel = sealed.create(file)) {
      channel.write(ByteBuffer.wrap(data), 0);
    }
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      raw.setLength(raw.length() - 5);
    }
    try (MediaChannel opened = sealed.open(file, false)) {
      assertThat(readAll(opened)).isEqualTo(Arrays.copyOf(data, SealedChannel.CHUNK));
    }
  }

  @Test
  void aFileSealedUnderAnotherKeyIsRefusedAndLeftAsItIs() throws IOException {
    Path file = dir.resolve("other.wav");
    try (MediaChannel channel = sealed.create(file)) {
      channel.write(ByteBuffer.wrap(new byte[10_000]), 0);
    }
    byte[] before = Files.readAllBytes(file);
    MediaFiles wrongKey = MediaFiles.of(MediaKeys.generate(), true);
    assertThatThrownBy(() -> wrongKey.recover(file)).isInstanceOf(SealedMediaException.class)
        .hasMessageContaining("is sealed under media key " + sealed.keys().current().id())
        .hasMessageContaining("give the key it was sealed with");
    assertThatThrownBy(() -> MediaFiles.plain().open(file, false)).isInstanceOf(SealedMediaException.class)
        .hasMessageContaining("media.keyFile");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void aChangedByteInAChunkIsFoundWhenItIsRead() throws IOException {
    Path file = dir.resolve("altered.wav");
    try (MediaChannel channel = sealed.create(file)) {
      channel.write(ByteBuffer.wrap(new byte[3 * SealedChannel.CHUNK]), 0);
    }
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      raw.seek(4096 + 4096 + 100);
      raw.write(1);
    }
    assertThatThrownBy(() -> sealed.verify(file)).isInstanceOf(SealedMediaException.class)
        .hasMessageContaining("chunk 1 does not authenticate");
  }

  @Test
  void plainFilesFromBeforeSealingWasTurnedOnAreReadAsTheyAre() throws IOException {
    Path plain = dir.resolve("before.wav");
    try (MediaChannel channel = MediaFiles.plain().create(plain)) {
      channel.write(ByteBuffer.wrap(new byte[] {'R', 'I', 'F', 'F', 1, 2}), 0);
    }
    try (MediaChannel reopened = sealed.open(plain, false)) {
      assertThat(readAll(reopened)).containsExactly('R', 'I', 'F', 'F', 1, 2);
    }
    assertThat(MediaFiles.isSealed(plain)).isFalse();
    assertThat(sealed.verify(plain)).isEqualTo(6);
  }

  @Test
  void rotatedKeysStillOpenFilesSealedUnderTheOldOne() throws IOException {
    Path file = dir.resolve("rotated.wav");
    try (MediaChannel channel = sealed.create(file)) {
      channel.write(ByteBuffer.wrap(new byte[] {5, 6, 7}), 0);
    }
    MediaKeys rotated = sealed.keys().withCurrent(MediaKeys.generate());
    assertThat(rotated.current().id()).isNotEqualTo(sealed.keys().current().id());
    try (MediaChannel reopened = MediaFiles.of(rotated, true).open(file, false)) {
      assertThat(readAll(reopened)).containsExactly(5, 6, 7);
    }
  }

  private static byte[] apply(byte[] content, byte[] data, long at) {
    byte[] next = Arrays.copyOf(content, (int) Math.max(content.length, at + data.length));
    System.arraycopy(data, 0, next, (int) at, data.length);
    return next;
  }

  static byte[] readAll(MediaChannel channel) throws IOException {
    ByteBuffer all = ByteBuffer.allocate((int) channel.size());
    channel.readFully(all, 0);
    return all.array();
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
