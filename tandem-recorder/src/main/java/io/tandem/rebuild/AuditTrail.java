package io.tandem.rebuild;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit rows to the call database on a thread of its own, in the order recorded. A row the database
 * cannot take now (a retryable error) waits and is tried again, the delay doubling from the first retry
 * delay to 30 s, for as long as the process lives; nobody who records a row waits or fails for it. A row
 * refused for good is logged in full and dropped. Thread-safe.
 */
public final class AuditTrail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  private static final Duration MAX_DELAY = Duration.ofSeconds(30);

  /** Where audit rows go; the call database's {@code audit} fits. */
  @FunctionalInterface
  public interface Sink {
    void audit(String actor, String action, String detail, String result) throws Exception;
  }

  private record Row(String actor, String action, String detail, String result) {}

  private final Sink sink;
  private final Predicate<Throwable> retryable;
  private final Duration firstRetry;
  private final ConcurrentLinkedQueue<Row> waiting = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("audit-trail").daemon().factory());
  private Duration delay;
  private boolean retryScheduled;

  /** {@code retryable} tells a database that is down or busy from a row it refuses for good. */
  public AuditTrail(Sink sink, Predicate<Throwable> retryable, Duration firstRetry) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.retryable = Objects.requireNonNull(retryable, "retryable");
    if (firstRetry.isNegative() || firstRetry.isZero()) {
      throw new IllegalArgumentException("firstRetry must be > 0, got " + firstRetry);
    }
    this.firstRetry = firstRetry;
    this.delay = firstRetry;
  }

  /** Queues a row and returns at once. */
  public void record(String actor, String action, String detail, String result) {
    waiting.add(new Row(actor, action, detail, result));
    try {
      thread.execute(this::drain);
    } catch (RejectedExecutionException e) {
      LOG.error("audit row not written, the recorder is stopping: {} {} {} -> {}", actor, action, detail, result);
    }
  }

  /** Rows not written yet. */
  public int waiting() {
    return waiting.size();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    waiting.forEach(row -> LOG.error("audit row not written before stop: {}", row));
  }

  /** Runs on the trail's thread only. */
  private void drain() {
    if (retryScheduled) {
      return;
    }
    for (Row row = waiting.peek(); row != null; row = waiting.peek()) {
      try {
        sink.audit(row.actor(), row.action(), row.detail(), row.result());
        waiting.poll();
        delay = firstRetry;
      } catch (Exception e) {
        if (!retryable.test(e)) {
          LOG.error("audit row refused by the call database, dropped: {}", row, e);
          waiting.poll();
          continue;
        }
        LOG.warn("audit row waits {} ms for the call database ({} waiting): {}", delay.toMillis(), waiting.size(),
            e.toString());
        retryScheduled = true;
        thread.schedule(this::retry, delay.toMillis(), TimeUnit.MILLISECONDS);
        delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
        return;
      }
    }
  }

  private void retry() {
    retryScheduled = false;
    drain();
  }
}
