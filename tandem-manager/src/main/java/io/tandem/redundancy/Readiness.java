package io.tandem.redundancy;

import io.tandem.call.Role;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.util.List;
import java.util.Optional;

/**
 * Whether the Recorder Manager is ready to be relied on: at least one pair, and every pair has a registered
 * primary that answers its health checks and can capture, so a call sent to it is recorded and marked. The
 * call database answering is the caller's part: it read the pairs. Stateless.
 */
public final class Readiness {
  private Readiness() {}

  /** Why the pairs are not ready yet, or empty when they are. */
  public static Optional<String> notReadyBecause(List<PairView> pairs, HealthProbe probe) {
    if (pairs.isEmpty()) {
      return Optional.of("no pair is registered yet");
    }
    for (PairView pair : pairs) {
      Optional<RecorderView> primary = pair.recorders().stream().filter(r -> r.role() == Role.PRIMARY).findFirst();
      if (primary.isEmpty()) {
        return Optional.of("pair " + pair.name() + " has no registered primary");
      }
      if (!probe.healthy(primary.get().serial())) {
        return Optional.of("the primary of pair " + pair.name() + ", recorder " + primary.get().serial()
            + ", has not answered its health checks as able to capture");
      }
    }
    return Optional.empty();
  }
}
