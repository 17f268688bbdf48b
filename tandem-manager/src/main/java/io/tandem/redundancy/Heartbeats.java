package io.tandem.redundancy;

import io.tandem.database.CallDatabase;
import io.tandem.database.EventView;
import io.tandem.database.LeaderFence;
import io.tandem.database.LeaseLostException;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends each pair's HEARTBEAT event once per interval: whether the pair is healthy (no alarm raised), and if
 * not, its alarms; with its epoch and recorders. A pair's first heartbeat comes at the first pass that knows the
 * health of both its recorders; later ones an interval after the last, as the event log says, so a Manager that
 * restarts keeps the rhythm. Used by one thread at a time.
 */
final class Heartbeats {
  static final String HEARTBEAT = "HEARTBEAT";

  private final CallDatabase database;
  private final Duration interval;
  private final Clock clock;
  private Map<String, Instant> lastByPair;

  Heartbeats(CallDatabase database, Duration interval, Clock clock) {
    this.database = database;
    this.interval = interval;
    this.clock = clock;
  }

  /** Appends the pair's heartbeat when it is due and every recorder of the pair is known healthy or failed. */
  void beatIfDue(LeaderFence fence, PairView pair, HealthView health, Set<AlarmKey> raised)
      throws SQLException, LeaseLostException {
    if (lastByPair == null) {
      Map<String, Instant> last = new HashMap<>();
      for (EventView event : database.latestEventsByPair(HEARTBEAT)) {
        last.put(event.pair(), event.at());
      }
      lastByPair = last;
    }
    Instant now = clock.instant();
    Instant last = lastByPair.get(pair.name());
    boolean known = pair.recorders().stream().allMatch(r -> health.healthy(r.serial()) || health.failed(r.serial()));
    if (!known || last != null && now.isBefore(last.plus(interval))) {
      return;
    }
    database.appendEvent(fence, HEARTBEAT, pair.name(), details(pair, health, raised));
    lastByPair.put(pair.name(), now);
  }

  private Map<String, Object> details(PairView pair, HealthView health, Set<AlarmKey> raised) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("healthy", raised.isEmpty());
    details.put("alarms", raised.stream().map(key -> key.serial() == null ? key.alarm()
        : key.alarm() + "@" + key.serial()).toList());
    details.put("epoch", pair.epoch());
    details.put("intervalSeconds", interval.toSeconds());
    List<Map<String, Object>> recorders = pair.recorders().stream().map(recorder -> recorder(recorder, health))
        .toList();
    details.put("recorders", recorders);
    return details;
  }

  private static Map<String, Object> recorder(RecorderView recorder, HealthView health) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("serial", recorder.serial());
    view.put("position", recorder.position().name());
    view.put("role", recorder.role().name());
    view.put("healthy", health.healthy(recorder.serial()));
    return view;
  }
}
