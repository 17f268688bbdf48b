package io.tandem.workflow;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of a {@link Consolidator} since it was built, for metrics: calls marked, entries failed,
 * archived copies made, and retries after retryable errors. Thread-safe; read at any time.
 */
public final class ConsolidationCounters {
  private final AtomicLong marked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong archived = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();

  public long marked() {
    return marked.get();
  }

  public long failed() {
    return failed.get();
  }

  public long archived() {
    return archived.get();
  }

  public long retries() {
    return retries.get();
  }

  void addMarked(int count) {
    marked.addAndGet(count);
  }

  void addFailed() {
    failed.incrementAndGet();
  }

  void addArchived() {
    archived.incrementAndGet();
  }

  void addRetry() {
    retries.incrementAndGet();
  }
}
