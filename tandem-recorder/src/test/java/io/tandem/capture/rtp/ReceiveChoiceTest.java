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
  void batchNeedsLinuxOnX86OrArmAndAJdkOf22OrNewer() {
    assertThat(ReceiveChoice.platformProblem("Linux", "amd64", 22)).isNull();
    assertThat(ReceiveChoice.platformProblem("Linux", "aarch64", 25)).isNull();
    assertThat(ReceiveChoice.platformProblem("Linux", "amd64", 21))
        .isEqualTo("Java 21 has no final foreign-function API (22 or newer)");
    assertThat(ReceiveChoice.platformProblem("Mac OS X", "aarch64", 25))
        .isEqualTo("not Linux on x86_64 or aarch64 but Mac OS X on aarch64");
    assertThat(ReceiveChoice.platformProblem("Linux", "riscv64", 25)).startsWith("not Linux on x86_64 or aarch64");
  }

  @Test
  void plainReadsOneDatagramPerReceive() {
    assertThat(ReceiveChoice.receiver(ReceiveMode.PLAIN, 8, 2048)).isNull();
  }
}
