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
 * Writes the search text of newly marked interactions on a thread of its own: batch after batch while the queue
 * holds any, then a pause. Marking only queues an interaction; until this pass has indexed it, a search reads it one
 * by one. Only on the Recorder Manager that acts ({@code acting}): one writer of the queue. A failed pass is
 * logged and the next one tries again; the queue keeps what was not indexed. Start once,
 * close once.
 */
final class SearchIndexPass implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SearchIndexPass.class);
  static final int BATCH = 5_000;

  private final CallDatabase database;
  private final Duration pause;
  private final BooleanSupplier acting;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("search-index-pass").daemon().factory());

  SearchIndexPass(CallDatabase database, Duration pause, BooleanSupplier acting) {
    this.database = database;
    this.acting = acting;
    this.pause = pause;
  }

  void start() {
    thread.scheduleWithFixedDelay(this::pass, 0, pause.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void pass() {
    if (!acting.getAsBoolean()) {
      return;
    }
    try {
      long indexed = 0;
      int taken;
      do {
        taken = database.indexForSearch(BATCH);
        indexed += taken;
      } while (taken == BATCH && !Thread.currentThread().isInterrupted());
      if (indexed >= 10 * BATCH) {
        LOG.info("wrote the search text of {} interactions", indexed);
      }
    } catch (Exception e) {
      LOG.warn("search index pass failed, trying again in {} ms: {}", pause.toMillis(), e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
