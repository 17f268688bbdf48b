package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.media.G711;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcmBlockWriterTest {
  @TempDir
  Path dir;

  @Test
  void framesAreWrittenLittleEndianAtTheirPlaceInBlocksAcrossTheRingEnd() throws Exception {
    int channels = 5;
    int frames = 8192;
    FrameRing ring = new FrameRing(frames, channels);
    byte[] codes = new byte[frames];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (byte) (i * 7);
    }
    short[] table = G711.decodeTable(G711.PCMU);
    long from = 3L * frames - 1000;
    ring.decode(2, from, table, codes, 0, 0, frames);
    Path wav = dir.resolve("out.pcm");

    try (io.tandem.media.MediaChannel file = new io.tandem.media.PlainMediaChannel(FileChannel.open(wav,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
      // Blocks of 16,384 samples hold 3,276 frames of five channels: three blocks, one across the ring's end.
      new PcmBlockWriter().write(ring, from, from + frames, file, 44 - from * 2 * channels);
    }

    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes.limit()).isEqualTo(44 + frames * 2 * channels);
    for (int f = 0; f < frames; f++) {
      for (int c = 0; c < channels; c++) {
        short expected = c == 2 ? table[codes[f] & 0xFF] : 0;
        assertThat(bytes.getShort(44 + (f * channels + c) * 2)).as("frame %d channel %d", f, c).isEqualTo(expected);
      }
    }
    assertThat(ring.sample(from, 2)).as("consumed").isZero();
  }

  @Test
  void withoutAFileTheFramesAreOnlyConsumed() throws Exception {
    FrameRing ring = new FrameRing(1024, 1);
    ring.decode(0, 10, G711.decodeTable(G711.PCMA), new byte[] {1, 2, 3}, 0, 0, 3);

    new PcmBlockWriter().write(ring, 0, 20, null, 44);

    assertThat(ring.sample(10, 0)).isZero();
    assertThat(ring.sample(12, 0)).isZero();
  }
}
