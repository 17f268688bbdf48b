package io.tandem.notification;

import java.util.Objects;

/**
 * A notification target as stored in the call database: its id, what it is, where it was defined, and the id
 * of the last event it delivered (its delivery sends the events after it, in order). Immutable.
 */
public record NotificationTarget(long id, TargetSpec spec, TargetSource source, long lastEventId) {
  public NotificationTarget {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(source, "source");
  }

  public String name() {
    return spec.name();
  }
}
