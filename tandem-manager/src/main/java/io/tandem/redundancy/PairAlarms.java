package io.tandem.redundancy;

import io.tandem.call.Role;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.util.List;

/**
 * The alarms of a pair from the health of its recorders: BOTH_DOWN when both failed, PRIMARY_DOWN while its
 * primary failed (until the RRC fails it over), BACKUP_DOWN when the recorder backing the primary up (the
 * secondary) failed. None when both are well. Stateless.
 */
public final class PairAlarms {
  private PairAlarms() {}

  public static List<String> of(PairView pair, HealthProbe probe) {
    boolean primaryDown = false;
    boolean secondaryDown = false;
    for (RecorderView recorder : pair.recorders()) {
      if (probe.failed(recorder.serial())) {
        if (recorder.role() == Role.PRIMARY) {
          primaryDown = true;
        } else {
          secondaryDown = true;
        }
      }
    }
    if (primaryDown && secondaryDown) {
      return List.of("BOTH_DOWN");
    }
    if (primaryDown) {
      return List.of("PRIMARY_DOWN");
    }
    return secondaryDown ? List.of("BACKUP_DOWN") : List.of();
  }
}
