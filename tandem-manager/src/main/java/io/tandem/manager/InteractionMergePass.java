package io.tandem.manager;

import io.tandem.database.CallDatabase;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the call database's merge pass on a thread of its own, one pass after another at a fixed delay: the
 * one place where interactions that two recorders created for one conversation are merged; only on the Recorder
 * Manager that acts ({@code acting}), since two would merge the same rows at once. A failed pass is
 * logged and the next one tries again; every merge is idempotent, so a pass cut short by a stop or a crash
 * loses nothing. Start once, close once.
 */
final class InteractionMergePass implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InteractionMergePass.class);

  private final CallDatabase database;
  private final Duration delay;
  private final BooleanSupplier acting;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("interaction-merge-pass").daemon().factory());

  InteractionMergePass(CallDatabase database, Duration delay, BooleanSupplier acting) {
    this.database = database;
    this.acting = acting;
    this.delay = delay;
  }

  void start() {
    thread.scheduleWithFixedDelay(this::pass, delay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void pass() {
    if (!acting.getAsBoolean()) {
      return;
    }
    try {
      int merged = database.mergeTwinInteractions();
      if (merged > 0) {
        LOG.info("merged {} interaction(s) into the older interaction of the same conversation", merged);
      }
    } catch (Exception e) {
      LOG.warn("merge pass failed, trying again in {} ms: {}", delay.toMillis(), e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
