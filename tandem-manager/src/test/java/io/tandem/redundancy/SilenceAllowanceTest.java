package io.tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SilenceAllowanceTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;
  /** Any start: nanoTime may be negative. */
  private static final long T0 = -5_000 * SECOND;

  private final SilenceAllowance allowance = new SilenceAllowance(Duration.ofMillis(750));

  @Test
  void aRecorderThatAlwaysBeatOnTimeIsAllowedTheLimit() {
    for (int beat = 1; beat <= 1000; beat++) {
      allowance.cameBackAfter(T0 + beat * 125 * MS, 125 * MS);
    }

    assertThat(allowance.allowed(T0 + 1000 * 125 * MS)).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void silencesUpToHalfTheLimitRaiseNothing() {
    allowance.cameBackAfter(T0, 375 * MS);

    assertThat(allowance.allowedNanos(T0 + MS)).isEqualTo(750 * MS);
  }

  @Test
  void aRecorderThatCameBackFromALongSilenceIsAllowedTwiceItForAMinute() {
    allowance.cameBackAfter(T0, 700 * MS);
    allowance.cameBackAfter(T0 + SECOND, 500 * MS);

    assertThat(allowance.allowedNanos(T0 + SECOND)).isEqualTo(1_400 * MS);
    assertThat(allowance.allowedNanos(T0 + 60 * SECOND)).as("a minute after it").isEqualTo(1_400 * MS);
    assertThat(allowance.allowedNanos(T0 + 60 * SECOND + MS)).as("then the 500 ms one, a second younger")
        .isEqualTo(1_000 * MS);
    assertThat(allowance.allowedNanos(T0 + 61 * SECOND + MS)).as("then nothing").isEqualTo(750 * MS);
  }

  @Test
  void aLaterLongerSilenceReplacesTheShorterOnes() {
    allowance.cameBackAfter(T0, 500 * MS);
    allowance.cameBackAfter(T0 + 10 * SECOND, 900 * MS);
    allowance.cameBackAfter(T0 + 20 * SECOND, 600 * MS);

    assertThat(allowance.allowedNanos(T0 + 20 * SECOND)).isEqualTo(1_800 * MS);
    assertThat(allowance.allowedNanos(T0 + 75 * SECOND)).as("the 900 ms one forgotten, the 600 ms one not")
        .isEqualTo(1_200 * MS);
  }

  @Test
  void neverMoreThanFourLimitsHoweverLongTheSilence() {
    allowance.cameBackAfter(T0, 10 * SECOND);

    assertThat(allowance.allowed(T0 + SECOND)).isEqualTo(Duration.ofMillis(3_000));
    assertThat(allowance.mostNanos()).isEqualTo(3_000 * MS);
  }
}
