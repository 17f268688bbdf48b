package io.tandem.manager;

import io.tandem.database.CallDatabase;
import io.tandem.notification.Notifier;
import io.tandem.redundancy.HealthProbe;
import io.tandem.redundancy.Leadership;
import io.tandem.redundancy.RedundancyController;
import io.tandem.replay.MediaReplay;
import java.time.Clock;
import java.util.Objects;

/**
 * What the HTTP layer serves, built and run by {@link ManagerAssembly}: the HTTP layer calls these parts and starts,
 * stops and closes none of them. {@code clock} is the one clock every part reads time from.
 */
record ManagerParts(CallDatabase database, HealthProbe probe, RedundancyController redundancy,
    ManagerMetrics metrics, MediaReplay replay, ForwardedJobs jobs, Notifier notifier, LiveFeed live, Leadership leadership,
    CallMonthsPass months, Clock clock) {
  ManagerParts {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(redundancy, "redundancy");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(replay, "replay");
    Objects.requireNonNull(jobs, "jobs");
    Objects.requireNonNull(notifier, "notifier");
    Objects.requireNonNull(live, "live");
    Objects.requireNonNull(leadership, "leadership");
    Objects.requireNonNull(months, "months");
    Objects.requireNonNull(clock, "clock");
  }
}
