package io.tandem.redundancy;

import io.tandem.call.Role;
import io.tandem.database.EventView;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alarms of a pair now, from the health of its recorders and the gaps still open. Of the pair as a whole:
 * BOTH_DOWN when both recorders failed, PRIMARY_DOWN while its primary failed (until the RRC fails it over),
 * BACKUP_DOWN when the recorder backing the primary up (the secondary) failed, and GAP while a call a secondary
 * reported missing from the call database is still missing. Of one recorder: each alarm it lists in its health
 * answer (DISK_LOW, BUFFER_HELD_FULL). The health alarms are known only once every recorder of the pair is
 * healthy or failed; a recorder's own alarms only once it has answered. Stateless.
 */
public final class PairAlarms {
  public static final String BACKUP_DOWN = "BACKUP_DOWN";
  public static final String PRIMARY_DOWN = "PRIMARY_DOWN";
  public static final String BOTH_DOWN = "BOTH_DOWN";
  public static final String GAP = "GAP";
  private static final List<String> HEALTH_ALARMS = List.of(BACKUP_DOWN, PRIMARY_DOWN, BOTH_DOWN);

  private PairAlarms() {}

  /** {@code missingGaps}: the pair's GAP events whose conversation is still missing from the call database. */
  static AlarmObservation observe(PairView pair, HealthView health, List<EventView> missingGaps) {
    Map<AlarmKey, Map<String, Object>> on = new LinkedHashMap<>();
    healthAlarm(pair, health).ifPresent(alarm -> on.put(alarm.getKey(), alarm.getValue()));
    if (!missingGaps.isEmpty()) {
      on.put(new AlarmKey(pair.name(), GAP, null), gapDetails(missingGaps));
    }
    for (RecorderView recorder : pair.recorders()) {
      for (String alarm : health.reportedAlarms(recorder.serial()).orElse(List.of())) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("position", recorder.position().name());
        details.put("role", recorder.role().name());
        on.put(new AlarmKey(pair.name(), alarm, recorder.serial()), details);
      }
    }
    boolean decided = pair.recorders().stream()
        .allMatch(recorder -> health.healthy(recorder.serial()) || health.failed(recorder.serial()));
    return new AlarmObservation(on, key -> {
      if (key.serial() != null) {
        return health.reportedAlarms(key.serial()).isPresent();
      }
      return GAP.equals(key.alarm()) || decided && HEALTH_ALARMS.contains(key.alarm());
    });
  }

  private static Optional<Map.Entry<AlarmKey, Map<String, Object>>> healthAlarm(PairView pair, HealthView health) {
    RecorderView primaryDown = null;
    RecorderView secondaryDown = null;
    for (RecorderView recorder : pair.recorders()) {
      if (health.failed(recorder.serial())) {
        if (recorder.role() == Role.PRIMARY) {
          primaryDown = recorder;
        } else {
          secondaryDown = recorder;
        }
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    String alarm;
    if (primaryDown != null && secondaryDown != null) {
      alarm = BOTH_DOWN;
      details.put("serials", List.of(primaryDown.serial(), secondaryDown.serial()));
    } else if (primaryDown != null || secondaryDown != null) {
      RecorderView down = primaryDown != null ? primaryDown : secondaryDown;
      alarm = primaryDown != null ? PRIMARY_DOWN : BACKUP_DOWN;
      details.put("serial", down.serial());
      details.put("position", down.position().name());
    } else {
      return Optional.empty();
    }
    return Optional.of(Map.entry(new AlarmKey(pair.name(), alarm, null), details));
  }

  private static Map<String, Object> gapDetails(List<EventView> missing) {
    Map<String, Object> details = new LinkedHashMap<>();
    EventView first = missing.getFirst();
    details.put("missingCalls", missing.size());
    details.put("serial", first.details().get("serial"));
    details.put("inum", first.details().get("inum"));
    details.put("correlationKey", first.details().get("correlationKey"));
    details.put("gapEventId", first.id());
    return details;
  }
}
