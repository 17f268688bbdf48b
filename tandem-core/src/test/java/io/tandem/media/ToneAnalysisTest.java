package io.tandem.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ToneAnalysisTest {
  private static final double[] CANDIDATES = {440, 1000, 1800};

  @Test
  void dominantFrequencyFindsTheToneThatWasGenerated() {
    for (double frequency : CANDIDATES) {
      short[] tone = tone(frequency, 1600);
      assertThat(ToneAnalysis.dominantFrequency(tone, 8000, CANDIDATES)).isEqualTo(frequency);
    }
  }

  @Test
  void toneSurvivesG711RoundTrip() {
    short[] tone = tone(1000, 1600);
    short[] table = G711.decodeTable(G711.PCMA);
    short[] decoded = new short[tone.length];
    for (int i = 0; i < tone.length; i++) {
      decoded[i] = table[G711.encode(G711.PCMA, tone[i]) & 0xFF];
    }
    assertThat(ToneAnalysis.dominantFrequency(decoded, 8000, CANDIDATES)).isEqualTo(1000);
  }

  @Test
  void powerOfPresentToneFarExceedsAbsentOne() {
    short[] tone = tone(440, 800);
    assertThat(ToneAnalysis.power(tone, 8000, 440)).isGreaterThan(1000 * ToneAnalysis.power(tone, 8000, 1800));
  }

  @Test
  void silenceHasNoPower() {
    assertThat(ToneAnalysis.power(new short[800], 8000, 440)).isZero();
  }

  @Test
  void rangeOutsideSamplesIsRejected() {
    assertThatThrownBy(() -> ToneAnalysis.power(new short[10], 5, 20, 8000, 440))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("to <= 10");
  }

  private static short[] tone(double frequency, int n) {
    short[] samples = new short[n];
    for (int i = 0; i < n; i++) {
      samples[i] = ToneAnalysis.toneSample(frequency, 8000, i, 8000);
    }
    return samples;
  }
}
