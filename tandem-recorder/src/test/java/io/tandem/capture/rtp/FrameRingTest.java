package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.media.G711;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameRingTest {
  private static final int FRAMES = 1024;

  @Test
  void decodingIntoTheFrameGivesTheSamplesOfDecodingThenInterleaving() {
    Random random = new Random(7);
    int channels = 3;
    FrameRing ring = new FrameRing(FRAMES, channels);
    short[][] decoded = new short[channels][FRAMES];
    for (int packet = 0; packet < 40; packet++) {
      int channel = random.nextInt(channels);
      int payloadType = random.nextBoolean() ? G711.PCMU : G711.PCMA;
      int length = 80 + random.nextInt(400);
      int offset = 12 + random.nextInt(8);
      int skip = random.nextInt(4) == 0 ? random.nextInt(length) : 0;
      long position = 5 * FRAMES + random.nextInt(FRAMES);
      byte[] codes = new byte[offset + length];
      random.nextBytes(codes);

      ring.decode(channel, position, G711.decodeTable(payloadType), codes, offset, skip, length);
      // The path before: decode into the stream's own ring, interleave when written.
      for (int i = skip; i < length; i++) {
        decoded[channel][(int) (position + i) & (FRAMES - 1)] = G711.decodeTable(payloadType)[codes[offset + i] & 0xFF];
      }
    }

    short[] taken = take(ring, 5 * FRAMES, FRAMES, channels);
    for (int f = 0; f < FRAMES; f++) {
      for (int c = 0; c < channels; c++) {
        assertThat(taken[f * channels + c]).as("frame %d channel %d", f, c).isEqualTo(decoded[c][f]);
      }
    }
  }

  @Test
  void packetRunningPastTheEndOfTheRingWrapsToItsStart() {
    FrameRing ring = new FrameRing(FRAMES, 2);
    byte[] codes = new byte[160];
    Arrays.fill(codes, G711.encode(G711.PCMU, (short) 1000));
    short level = G711.decodeTable(G711.PCMU)[codes[0] & 0xFF];

    ring.decode(1, 3L * FRAMES - 100, G711.decodeTable(G711.PCMU), codes, 0, 0, 160);

    assertThat(ring.sample(3L * FRAMES - 100, 1)).isEqualTo(level);
    assertThat(ring.sample(3L * FRAMES - 1, 1)).isEqualTo(level);
    assertThat(ring.sample(3L * FRAMES + 59, 1)).isEqualTo(level);
    assertThat(ring.sample(3L * FRAMES + 60, 1)).isZero();
    assertThat(ring.sample(3L * FRAMES - 100, 0)).as("the other channel").isZero();
  }

  @Test
  void skippedSamplesAreNotWritten() {
    FrameRing ring = new FrameRing(FRAMES, 1);
    byte[] codes = new byte[160];
    Arrays.fill(codes, G711.encode(G711.PCMA, (short) -3000));

    ring.decode(0, 0, G711.decodeTable(G711.PCMA), codes, 0, 100, 160);

    assertThat(ring.sample(99, 0)).isZero();
    assertThat(ring.sample(100, 0)).isNotZero();
    assertThat(ring.sample(159, 0)).isNotZero();
  }

  @Test
  void takeCopiesFramesInOrderAcrossTheEndAndLeavesThemSilent() {
    FrameRing ring = new FrameRing(FRAMES, 2);
    byte[] codes = new byte[200];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (byte) i;
    }
    long position = 7L * FRAMES - 50;
    ring.decode(0, position, G711.decodeTable(G711.PCMU), codes, 0, 0, 200);
    ring.decode(1, position, G711.decodeTable(G711.PCMA), codes, 0, 0, 200);

    short[] taken = take(ring, position, 200, 2);

    for (int f = 0; f < 200; f++) {
      assertThat(taken[2 * f]).isEqualTo(G711.decodeTable(G711.PCMU)[f]);
      assertThat(taken[2 * f + 1]).isEqualTo(G711.decodeTable(G711.PCMA)[f]);
    }
    assertThat(take(ring, position, 200, 2)).containsOnly((short) 0);
  }

  @Test
  void ringLengthMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> new FrameRing(1000, 2)).hasMessageContaining("frames");
    assertThatThrownBy(() -> new FrameRing(1024, 0)).hasMessageContaining("channels");
  }

  private static short[] take(FrameRing ring, long from, int frames, int channels) {
    ShortBuffer out = ShortBuffer.allocate(frames * channels);
    ring.take(from, frames, out);
    assertThat(out.position()).isEqualTo(frames * channels);
    return out.array();
  }
}
