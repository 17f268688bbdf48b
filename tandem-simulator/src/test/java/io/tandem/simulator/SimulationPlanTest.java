package io.tandem.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationPlanTest {
  private static final List<InetSocketAddress> PAIR = List.of(new InetSocketAddress("127.0.0.1", 25060));

  @Test
  void badValuesAreRefusedNamingTheirField() {
    assertThatThrownBy(() -> new SimulationPlan(List.of(), 1, 1, Duration.ofSeconds(1), "udp", 0))
        .hasMessageContaining("recorders");
    assertThatThrownBy(() -> new SimulationPlan(PAIR, 0, 1, Duration.ofSeconds(1), "udp", 0))
        .hasMessageContaining("conversations");
    assertThatThrownBy(() -> new SimulationPlan(PAIR, 1, Double.NaN, Duration.ofSeconds(1), "udp", 0))
        .hasMessageContaining("callsPerSecond");
    assertThatThrownBy(() -> new SimulationPlan(PAIR, 1, 1, Duration.ofMillis(5), "udp", 0))
        .hasMessageContaining("callDuration");
    assertThatThrownBy(() -> new SimulationPlan(PAIR, 1, 1, Duration.ofSeconds(1), "sctp", 0))
        .hasMessageContaining("transport");
    assertThatThrownBy(() -> new SimulationPlan(PAIR, 1, 1, Duration.ofSeconds(1), "udp", 18))
        .hasMessageContaining("payloadType");
    assertThatThrownBy(() -> new SimulationPlan(List.of(PAIR, List.of()), 1, 1, Duration.ofSeconds(1), "udp", 0,
        SessionIds.SHARED, null, null)).hasMessageContaining("recorders");
  }

  @Test
  void packetsPerStreamFollowTheCallDuration() {
    assertThat(new SimulationPlan(PAIR, 1, 1, Duration.ofSeconds(2), "tcp", 8).packetsPerStream()).isEqualTo(100);
  }

  @Test
  void tonesDifferBetweenTheStreamsOfACallAndBetweenCalls() {
    assertThat(Tones.frequency(0, 0)).isEqualTo(300);
    assertThat(Tones.frequency(0, 1)).isEqualTo(400);
    assertThat(Tones.frequency(1, 0)).isEqualTo(500);
    for (int conversation = 0; conversation < 100; conversation++) {
      assertThat(Tones.frequency(conversation, 0)).isNotEqualTo(Tones.frequency(conversation, 1))
          .isBetween(300.0, 3200.0);
    }
  }
}
