package io.tandem.database;

import java.util.List;

/**
 * A pair as stored: its epoch, rollback window, failback policy ({@code never} or {@code manual}), gap
 * policy ({@code report} or {@code promote}), match tolerance (how far apart two copies' starts may be, in
 * milliseconds, to be one conversation by their participants) and recorders (Main first). Immutable.
 */
public record PairView(String name, long epoch, long rollbackWindowSeconds, String failbackPolicy, String gapPolicy,
    int matchToleranceMillis, List<RecorderView> recorders) {
  public PairView {
    recorders = List.copyOf(recorders);
  }
}
