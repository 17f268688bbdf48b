package io.tandem.redundancy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Health checks as a test sets them: each recorder healthy, failed or not known yet, with the alarms it lists. */
final class FakeHealth implements HealthView {
  enum State { HEALTHY, FAILED, UNKNOWN }

  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final Map<String, List<String>> alarms = new ConcurrentHashMap<>();

  FakeHealth set(String serial, State state) {
    states.put(serial, state);
    if (state == State.HEALTHY) {
      alarms.putIfAbsent(serial, List.of());
    }
    return this;
  }

  /** The recorder answers, listing {@code reported} as its own alarms. */
  FakeHealth reports(String serial, String... reported) {
    alarms.put(serial, List.of(reported));
    return this;
  }

  /** As after a restart: nothing known of any recorder. */
  FakeHealth forget() {
    states.clear();
    alarms.clear();
    return this;
  }

  @Override
  public boolean healthy(String serial) {
    return states.get(serial) == State.HEALTHY;
  }

  @Override
  public boolean failed(String serial) {
    return states.get(serial) == State.FAILED;
  }

  @Override
  public Optional<List<String>> reportedAlarms(String serial) {
    return Optional.ofNullable(alarms.get(serial));
  }
}
