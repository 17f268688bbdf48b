package io.tandem.redundancy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one pass sees of a pair's alarms: those on now, each with the details its event carries, and which alarms'
 * state the pass knows at all. An alarm that is raised, not on, and known is over; one whose state is not known
 * (a recorder neither healthy nor failed yet, as after a Manager's start) stays as it is. Immutable.
 */
final class AlarmObservation {
  private final Map<AlarmKey, Map<String, Object>> on;
  private final Predicate<AlarmKey> known;

  AlarmObservation(Map<AlarmKey, Map<String, Object>> on, Predicate<AlarmKey> known) {
    this.on = Collections.unmodifiableMap(new LinkedHashMap<>(on));
    this.known = known;
  }

  Set<AlarmKey> on() {
    return on.keySet();
  }

  Map<String, Object> details(AlarmKey key) {
    return on.getOrDefault(key, Map.of());
  }

  /** Whether this pass knows if {@code key} is on: false leaves a raised alarm raised and a cleared one cleared. */
  boolean knows(AlarmKey key) {
    return on.containsKey(key) || known.test(key);
  }
}
