package io.tandem.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpusPacketTest {
  @Test
  void theTableOfContentsSaysHowLongAPacketPlays() {
    // Config 1 (SILK narrowband 20 ms), code 0: one frame.
    assertThat(OpusPacket.samples(new byte[] {(byte) (1 << 3), 0}, 0, 2)).isEqualTo(960);
    // Config 3 (SILK 60 ms), code 0.
    assertThat(OpusPacket.samples(new byte[] {(byte) (3 << 3)}, 0, 1)).isEqualTo(2880);
    // Config 16 (CELT 2.5 ms), code 1: two frames.
    assertThat(OpusPacket.samples(new byte[] {(byte) (16 << 3 | 1)}, 0, 1)).isEqualTo(240);
    // Config 31 (CELT 20 ms), code 3 with three frames.
    assertThat(OpusPacket.samples(new byte[] {(byte) (31 << 3 | 3), 3}, 0, 2)).isEqualTo(2880);
    // Config 13 (hybrid 20 ms), code 2.
    assertThat(OpusPacket.samples(new byte[] {(byte) (13 << 3 | 2), 1, 2}, 0, 3)).isEqualTo(1920);
  }

  @Test
  void aPacketThatCannotBeReadOrPlaysOver120MillisecondsSaysNothing() {
    assertThat(OpusPacket.samples(new byte[0], 0, 0)).isEqualTo(-1);
    assertThat(OpusPacket.samples(new byte[] {(byte) (31 << 3 | 3)}, 0, 1)).isEqualTo(-1);
    assertThat(OpusPacket.samples(new byte[] {(byte) (31 << 3 | 3), 0}, 0, 2)).isEqualTo(-1);
    assertThat(OpusPacket.samples(new byte[] {(byte) (3 << 3 | 3), 3}, 0, 2)).as("3 x 60 ms").isEqualTo(-1);
  }
}
