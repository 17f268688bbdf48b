package io.tandem.manager;

import io.tandem.database.PairView;
import io.tandem.redundancy.HealthProbe;
import java.util.List;

/** A pair as {@code GET /api/pairs} shows it: epoch, rollback window and the health of each recorder. */
public record PairStatus(String name, long epoch, long rollbackWindowSeconds, List<RecorderStatus> recorders) {
  public PairStatus {
    recorders = List.copyOf(recorders);
  }

  static PairStatus of(PairView pair, HealthProbe probe) {
    return new PairStatus(pair.name(), pair.epoch(), pair.rollbackWindowSeconds(), pair.recorders().stream()
        .map(recorder -> RecorderStatus.of(recorder, probe.healthy(recorder.serial())))
        .toList());
  }
}
