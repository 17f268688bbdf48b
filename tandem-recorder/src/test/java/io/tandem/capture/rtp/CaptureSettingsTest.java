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
