package io.tandem.manager;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import io.tandem.redundancy.HealthProbe;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Recorder Manager's meters of every pair and recorder, labelled by pair (and serial, position and role): each
 * pair's epoch, and whether each recorder answers its health checks and is the primary, and how long it may be
 * silent before it can be declared down. Read from the call database
 * and the health probe at each scrape, so a pair registered since, or a role swapped, shows at the next; a pair the
 * database no longer has disappears. Thread-safe: a scrape refreshes all of them at once.
 */
final class PairMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(PairMetrics.class);

  private final HealthProbe.RecorderDirectory directory;
  private final HealthProbe probe;
  private final MultiGauge epochs;
  private final MultiGauge healthy;
  private final MultiGauge primary;
  private final MultiGauge silenceAllowed;

  PairMetrics(HealthProbe.RecorderDirectory directory, HealthProbe probe, MeterRegistry registry) {
    this.directory = directory;
    this.probe = probe;
    this.epochs = MultiGauge.builder("tandem.pair.epoch")
        .description("the pair's epoch, raised at every role change").register(registry);
    this.healthy = MultiGauge.builder("tandem.recorder.healthy")
        .description("1 while the recorder answers its health checks and can capture, else 0").register(registry);
    this.primary = MultiGauge.builder("tandem.recorder.primary")
        .description("1 for the primary of its pair, 0 for the secondary").register(registry);
    this.silenceAllowed = MultiGauge.builder("tandem.recorder.silence.allowed").baseUnit("seconds")
        .description("how long the recorder may be silent before a reconnection try that can declare it down: the "
            + "health settings' limit, more after silences it came back from in the last minute").register(registry);
  }

  synchronized void refresh() {
    List<PairView> pairs;
    try {
      pairs = directory.pairs();
    } catch (SQLException e) {
      // The meters keep what they showed last; the database's own meters say it did not answer.
      LOG.debug("the pairs could not be read for the metrics", e);
      return;
    }
    List<MultiGauge.Row<?>> epochRows = new ArrayList<>();
    List<MultiGauge.Row<?>> healthyRows = new ArrayList<>();
    List<MultiGauge.Row<?>> primaryRows = new ArrayList<>();
    List<MultiGauge.Row<?>> silenceRows = new ArrayList<>();
    for (PairView pair : pairs) {
      epochRows.add(MultiGauge.Row.of(Tags.of("pair", pair.name()), pair.epoch()));
      for (RecorderView recorder : pair.recorders()) {
        Tags tags = Tags.of("pair", pair.name(), "serial", recorder.serial(), "position", recorder.position().name());
        healthyRows.add(MultiGauge.Row.of(tags, probe.healthy(recorder.serial()) ? 1 : 0));
        primaryRows.add(MultiGauge.Row.of(tags, recorder.role() == io.tandem.call.Role.PRIMARY ? 1 : 0));
        probe.silenceAllowed(recorder.serial()).ifPresent(allowed -> silenceRows.add(MultiGauge.Row.of(tags,
            allowed.toNanos() / 1e9)));
      }
    }
    epochs.register(epochRows, true);
    healthy.register(healthyRows, true);
    primary.register(primaryRows, true);
    silenceAllowed.register(silenceRows, true);
  }
}
