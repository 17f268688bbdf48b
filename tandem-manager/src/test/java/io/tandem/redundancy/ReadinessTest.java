package io.tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.admin.RecorderClients;
import io.tandem.call.Position;
import io.tandem.call.Role;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private final RecorderClients clients = new RecorderClients(Duration.ofSeconds(1));
  private final HealthProbe neverPolled = new HealthProbe(List::of, clients, Duration.ofSeconds(1), 3,
      Duration.ofSeconds(30));

  @AfterEach
  void close() {
    neverPolled.close();
    clients.close();
  }

  @Test
  void noPairIsNotReady() {
    assertThat(Readiness.notReadyBecause(List.of(), neverPolled)).contains("no pair is registered yet");
  }

  @Test
  void aPairWithoutAPrimaryIsNotReady() {
    PairView pair = new PairView("pair-r", 2, 900, "never", "promote", 2000, List.of(
        new RecorderView("100002", Position.BACKUP, Role.SECONDARY, "http://127.0.0.1:1", "127.0.0.1:5062")));

    assertThat(Readiness.notReadyBecause(List.of(pair), neverPolled)).contains("pair pair-r has no registered primary");
  }

  @Test
  void aPrimaryNotYetHeardFromIsNotReady() {
    PairView pair = new PairView("pair-r", 1, 900, "never", "promote", 2000, List.of(
        new RecorderView("100001", Position.MAIN, Role.PRIMARY, "http://127.0.0.1:1", "127.0.0.1:5060")));

    assertThat(Readiness.notReadyBecause(List.of(pair), neverPolled).orElseThrow())
        .contains("recorder 100001, has not answered");
  }
}
