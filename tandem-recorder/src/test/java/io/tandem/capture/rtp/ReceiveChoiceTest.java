package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ReceiveChoiceTest {
  @Test
  void autoPicksBatchOnLinuxWithAJdkOf22OrNewer() {
    assumeThat(System.getProperty("os.name")).isEqualTo("Linux");
    assumeThat(System.getProperty("os.arch")).isIn(Set.of("amd64", "aarch64"));
    assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);

    assertThat(ReceiveChoice.unavailable()).isNull();
    try (BatchReceiver receiver = ReceiveChoice.receiver(ReceiveMode.AUTO, 8, 2048)) {
      assertThat(receiver).isNotNull();
      assertThat(receiver.capacity()).isEqualTo(8);
    }
  }

  @Test
  void plainReadsOneDatagramPerReceive() {
    assertThat(ReceiveChoice.receiver(ReceiveMode.PLAIN, 8, 2048)).isNull();
  }
}
