package io.tandem.manager;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.database.CallDatabase;
import io.tandem.redundancy.HealthProbe;
import io.tandem.redundancy.Leadership;
import io.javalin.router.Endpoint;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * The Recorder Manager's Prometheus metrics: HTTP requests by route and status, interactions in the
 * call database and those waiting for their search text (counted at each scrape), healthy recorders, each pair's
 * epoch and each recorder's health and role (see {@link PairMetrics}), whether this Manager's RRC acts (1) or stands
 * by (0), and what others register (notification deliveries). Thread-safe.
 */
final class ManagerMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PairMetrics pairs;

  ManagerMetrics(CallDatabase database, HealthProbe probe, Leadership leadership) {
    Gauge.builder("tandem.interactions", database, ManagerMetrics::interactionsOrNaN)
        .description("interactions in the call database")
        .register(registry);
    Gauge.builder("tandem.search.queue", database, ManagerMetrics::searchQueueOrNaN)
        .description("interactions marked whose search text is not written yet (a search reads them one by one)")
        .register(registry);
    Gauge.builder("tandem.recorders.healthy", probe, HealthProbe::healthyCount)
        .description("recorders whose health checks answer")
        .register(registry);
    pairs = new PairMetrics(database::pairs, probe, registry);
    Gauge.builder("tandem.rrc.acting", leadership, l -> l.acting() ? 1 : 0)
        .description("1 while this Manager holds the RRC lease and acts, 0 while it stands by")
        .register(registry);
  }

  void recordRequest(Context ctx, float millis) {
    Timer.builder("http.server.requests")
        .tag("method", ctx.method().name())
        .tag("route", route(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(registry)
        .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
  }

  /** One replay request, of a range or of the whole file. */
  void replayed(boolean range) {
    registry.counter("tandem.replay.requests", "range", range ? "yes" : "no").increment();
  }

  /** Where other parts of the Manager register their meters. */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  String scrape() {
    pairs.refresh();
    return registry.scrape();
  }

  // The route pattern, not the path, so that ids do not make a series each.
  private static String route(Context ctx) {
    try {
      Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
      return endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  private static double searchQueueOrNaN(CallDatabase database) {
    try {
      return database.searchQueueLength();
    } catch (SQLException e) {
      return Double.NaN;
    }
  }

  private static double interactionsOrNaN(CallDatabase database) {
    try {
      return database.interactionCount();
    } catch (SQLException e) {
      return Double.NaN;
    }
  }
}
