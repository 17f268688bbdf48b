package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CaptureSettingsTest {
  @Test
  void defaultsAreOneThreadTwoHundredMillisJitterAndTwoHundredMillisFlush() {
    CaptureSettings settings = CaptureSettings.defaults();
    assertThat(settings.threads()).isEqualTo(1);
    assertThat(settings.jitterDelay()).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.flushInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.receiveInterval()).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void receiveIntervalNeverExceedsTheJitterDelay() {
    assertThat(new CaptureSettings(1, Duration.ofMillis(2), Duration.ofMillis(100)).receiveInterval())
        .isEqualTo(Duration.ofMillis(2));
    assertThat(new CaptureSettings(1, Duration.ZERO, Duration.ofMillis(100)).receiveInterval()).isZero();
    assertThatThrownBy(() -> new CaptureSettings(1, Duration.ofMillis(3), Duration.ofMillis(100), Duration.ofMillis(4)))
        .hasMessageContaining("receiveInterval must not exceed jitterDelay");
  }

  @Test
  void ringHoldsJitterTwoFlushesAndAPacketAsAPowerOfTwo() {
    int frames = CaptureSettings.defaults().ringFrames();
    assertThat(Integer.bitCount(frames)).isEqualTo(1);
    assertThat(frames).isGreaterThanOrEqualTo((200 + 2 * 200 + 5) * 8 + 2048);
  }

  @Test
  void aPollSpanWaitsNoLongerThanTheJitterDelayLessAReceiveIntervalAndALateRound() {
    // The default: 200 ms less 5 ms and 55 ms, seven 20 ms packets a poll.
    assertThat(CaptureSettings.defaults().pollSpanSamples()).isEqualTo(140 * 8);
    assertThat(new CaptureSettings(1, Duration.ofMillis(100), Duration.ofMillis(100)).pollSpanSamples())
        .isEqualTo(40 * 8);
    // Shorter than two 20 ms packets: every datagram is selected.
    assertThat(new CaptureSettings(1, Duration.ofMillis(99), Duration.ofMillis(100)).pollSpanSamples()).isZero();
    assertThat(new CaptureSettings(1, Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(20))
        .pollSpanSamples()).isZero();
    assertThat(new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(100), Duration.ZERO)
        .pollSpanSamples()).isZero();
    // A long jitter delay: as far as the poll wheel reaches, 63 ticks.
    assertThat(new CaptureSettings(1, Duration.ofSeconds(2), Duration.ofMillis(100)).pollSpanSamples())
        .isEqualTo(63 * 5 * 8);
    for (int jitter = 0; jitter <= 2000; jitter += 7) {
      CaptureSettings settings = new CaptureSettings(1, Duration.ofMillis(jitter), Duration.ofMillis(100));
      long waitMillis = settings.pollSpanSamples() / 8 + settings.receiveInterval().toMillis();
      if (settings.pollSpanSamples() > 0) {
        assertThat(jitter - waitMillis).isGreaterThan(CaptureLoop.LATE_ROUND_MILLIS);
      }
    }
  }

  @Test
  void badValuesFailWithTheirFieldName() {
    assertThatThrownBy(() -> new CaptureSettings(0, Duration.ofMillis(200), Duration.ofMillis(100)))
        .hasMessageContaining("threads");
    assertThatThrownBy(() -> new CaptureSettings(1, Duration.ofMillis(-1), Duration.ofMillis(100)))
        .hasMessageContaining("jitterDelay");
    assertThatThrownBy(() -> new CaptureSettings(1, Duration.ofMillis(200), Duration.ZERO))
        .hasMessageContaining("flushInterval");
    assertThatThrownBy(() -> new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(21)))
        .hasMessageContaining("receiveInterval");
    assertThatThrownBy(() -> new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(-1)))
        .hasMessageContaining("receiveInterval");
  }
}
