package io.tandem.database;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of the append-only event log: its type (FAILOVER, RECORDER_DOWN, ...), time, pair and figures. */
public record EventView(long id, String type, Instant at, String pair, Map<String, Object> details) {
  public EventView {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }
}
