package io.tandem.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AudioEncodingTest {
  @Test
  void namesAreReadInAnyCaseAndUnknownOnesAreOther() {
    assertThat(AudioEncoding.named("opus")).isEqualTo(AudioEncoding.OPUS);
    assertThat(AudioEncoding.named("iLBC")).isEqualTo(AudioEncoding.ILBC);
    assertThat(AudioEncoding.named("telephone-event")).isEqualTo(AudioEncoding.TELEPHONE_EVENT);
    assertThat(AudioEncoding.named("G729")).isEqualTo(AudioEncoding.G729);
    assertThat(AudioEncoding.named("AMR-WB")).isEqualTo(AudioEncoding.OTHER);
    assertThat(AudioEncoding.OTHER.decodable()).isFalse();
    assertThat(AudioEncoding.CN.decodable()).isFalse();
  }

  @Test
  void eachPayloadPlaysForWhatItsFramesHold() {
    byte[] any = new byte[200];
    assertThat(AudioEncoding.PCMU.frames(any, 0, 160)).isEqualTo(160);
    assertThat(AudioEncoding.G722.frames(any, 0, 160)).as("160 bytes of G.722: 20 ms").isEqualTo(160);
    assertThat(AudioEncoding.G729.frames(any, 0, 20)).isEqualTo(160);
    assertThat(AudioEncoding.G729.frames(any, 0, 22)).as("two frames and a SID").isEqualTo(240);
    assertThat(AudioEncoding.G729.frames(any, 0, 2)).as("a SID frame alone").isEqualTo(80);
    assertThat(AudioEncoding.G729.frames(any, 0, 7)).isEqualTo(-1);
    assertThat(AudioEncoding.GSM.frames(any, 0, 66)).isEqualTo(320);
    assertThat(AudioEncoding.ILBC.frames(any, 0, 38)).isEqualTo(160);
    assertThat(AudioEncoding.ILBC.frames(any, 0, 50)).isEqualTo(240);
    assertThat(AudioEncoding.ILBC.frames(any, 0, 40)).isEqualTo(-1);
    assertThat(AudioEncoding.OTHER.frames(any, 0, 33)).isEqualTo(-1);
  }

  @Test
  void opusIsReplayedAtTheRateItsFmtpAllowsAndG722At16kHz() {
    assertThat(AudioEncoding.OPUS.audioRate("")).isEqualTo(48000);
    assertThat(AudioEncoding.OPUS.audioRate("maxplaybackrate=16000; useinbandfec=1")).isEqualTo(16000);
    assertThat(AudioEncoding.OPUS.audioRate("sprop-maxcapturerate=8000")).isEqualTo(8000);
    assertThat(AudioEncoding.OPUS.audioRate("maxplaybackrate=12000")).isEqualTo(16000);
    assertThat(AudioEncoding.OPUS.audioRate("maxplaybackrate=fast")).isEqualTo(48000);
    assertThat(AudioEncoding.G722.audioRate(null)).isEqualTo(16000);
    assertThat(AudioEncoding.GSM.audioRate(null)).isEqualTo(8000);
  }
}
