package io.tandem.database;

import java.util.List;

/** A pair as the Recorder Manager shows it: its epoch, rollback window and recorders (Main first). */
public record PairView(String name, long epoch, long rollbackWindowSeconds, List<RecorderView> recorders) {
  public PairView {
    recorders = List.copyOf(recorders);
  }
}
