package io.tandem.manager;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.database.CallDatabase;
import io.tandem.database.CallMonths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the months of the call database on a thread of its own, only on the Recorder Manager that acts: makes this
 * month and the configured months after it where they are missing, and, when a retention is configured, drops each
 * month whose calls all ended before it, unless a legal hold or a reprocess still under way keeps it. A round runs
 * soon after the Manager starts acting and then every {@link #ROUND}; one that fails (a table held past the lock
 * wait, the database away) is logged and tried again after {@link #RETRY}. The metrics say how many months there
 * are, how many the last round kept past the retention, and how many were dropped. Start once, close once.
 */
final class CallMonthsPass implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CallMonthsPass.class);
  static final Duration ROUND = Duration.ofHours(1);
  static final Duration RETRY = Duration.ofMinutes(1);
  private static final Duration TICK = Duration.ofSeconds(5);

  private final CallDatabase database;
  private final CallRetention retention;
  private final CallMonths.PendingWork pending;
  private final BooleanSupplier acting;
  private final Clock clock;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("call-months").daemon().factory());
  /** When the next round is due; null for at once. Only the pass's thread touches it. */
  private Instant due;
  private volatile Round lastRound;
  private final AtomicInteger months = new AtomicInteger();
  private final AtomicInteger kept = new AtomicInteger();
  private final Counter dropped;

  CallMonthsPass(CallDatabase database, CallRetention retention, CallMonths.PendingWork pending,
      BooleanSupplier acting, Clock clock, MeterRegistry registry) {
    this.database = database;
    this.retention = retention;
    this.pending = pending;
    this.acting = acting;
    this.clock = clock;
    Gauge.builder("tandem.call.months", months, AtomicInteger::get)
        .description("months of interactions and copies in the call database, as the last round found them")
        .register(registry);
    Gauge.builder("tandem.call.months.kept", kept, AtomicInteger::get)
        .description("months past database.retention that the last round kept: held, or a reprocess may mark them")
        .register(registry);
    dropped = Counter.builder("tandem.call.months.dropped")
        .description("months dropped by retention since this Manager started").register(registry);
  }

  void start() {
    thread.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    if (!acting.getAsBoolean() || (due != null && clock.instant().isBefore(due))) {
      return;
    }
    try {
      round();
      due = clock.instant().plus(ROUND);
    } catch (Exception e) {
      LOG.warn("call months: round failed, trying again in {} s: {}", RETRY.toSeconds(), e.toString());
      due = clock.instant().plus(RETRY);
    }
  }

  /**
   * What the last round on this Manager did: when it ran, the months it made, those it dropped, and those past the
   * retention it kept with why; {@code cutoff} null without a retention.
   */
  record Round(Instant at, Instant cutoff, List<String> made, List<CallMonths.Dropped> dropped,
      Map<String, String> kept) {}

  /** The last round that ran to its end on this Manager, or null before the first. */
  Round lastRound() {
    return lastRound;
  }

  /** Makes the months ahead, then lets go of the months past the retention. */
  void round() throws Exception {
    Instant at = clock.instant();
    List<CallMonths.Month> made = database.months().makeAhead(retention.monthsAhead());
    if (!made.isEmpty()) {
      LOG.info("call months: made {} ahead", made.stream().map(CallMonths.Month::name).toList());
    }
    Instant cutoff = null;
    CallMonths.Retirement retirement = new CallMonths.Retirement(List.of(), Map.of());
    if (retention.keep() != null) {
      cutoff = at.minus(retention.keep());
      retirement = database.months().retire(cutoff, pending);
      for (CallMonths.Dropped gone : retirement.dropped()) {
        LOG.info("call months: dropped {} ({} interactions, {} copies): every call ended before {}",
            gone.month().name(), gone.interactions(), gone.copies(), cutoff);
        dropped.increment();
      }
      retirement.kept().forEach((month, why) -> LOG.info("call months: kept {} past the retention: {}", month, why));
      kept.set(retirement.kept().size());
    }
    months.set(database.months().months().size());
    lastRound = new Round(at, cutoff, made.stream().map(CallMonths.Month::name).toList(), retirement.dropped(),
        retirement.kept());
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
