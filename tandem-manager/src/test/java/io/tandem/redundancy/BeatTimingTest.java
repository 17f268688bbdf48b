package io.tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BeatTimingTest {
  @Test
  void theDefaultsDeclareAFreezeWithinTwoSecondsAndADeathWithinHalfASecond() {
    BeatTiming timing = BeatTiming.of(Duration.ofSeconds(1), 3);

    assertThat(timing.checkPeriod()).isEqualTo(Duration.ofMillis(250));
    assertThat(timing.beatInterval()).isEqualTo(Duration.ofMillis(125));
    // The last beat, then at most one check period past the silence limit, then the reconnection try.
    assertThat(timing.silenceLimit().plus(timing.checkPeriod()).plus(timing.reconnectWait()))
        .isEqualTo(Duration.ofMillis(1500));
    // The first try at once, then the others a spacing apart.
    assertThat(timing.retrySpacing().multipliedBy(timing.misses() - 1)).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void aLongIntervalStillAsksForBeatsOftenEnoughToKeepTheConnectionBusy() {
    BeatTiming timing = BeatTiming.of(Duration.ofHours(1), 3);

    assertThat(timing.beatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(timing.silenceLimit()).isEqualTo(Duration.ofMinutes(45));
  }

  @Test
  void aTinyIntervalIsKeptAtTenMillisecondsPerBeatAndCheck() {
    BeatTiming timing = BeatTiming.of(Duration.ofMillis(10), 1);

    assertThat(timing.beatInterval()).isEqualTo(Duration.ofMillis(10));
    assertThat(timing.checkPeriod()).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void noMissesIsRefusedNamingWhatWasExpected() {
    assertThatThrownBy(() -> BeatTiming.of(Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("misses at least 1");
  }
}
