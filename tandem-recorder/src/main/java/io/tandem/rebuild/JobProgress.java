package io.tandem.rebuild;

import io.tandem.admin.JobFigures;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live figures of a job: calls of the range to look at ({@code total}, counted first), calls looked at
 * ({@code scanned}), calls that matched, entries added and entries already present. The job's thread
 * writes, any thread reads a {@link #snapshot}; each figure is exact, a snapshot may mix figures of two
 * consecutive pages.
 */
public final class JobProgress {
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong scanned = new AtomicLong();
  private final AtomicLong matched = new AtomicLong();
  private final AtomicLong added = new AtomicLong();
  private final AtomicLong alreadyPresent = new AtomicLong();

  void total(long calls) {
    total.set(calls);
  }

  /** Counts one page: calls looked at, matched, and of those the entries added and already present. */
  void page(long scannedCalls, long matchedCalls, long addedEntries, long presentEntries) {
    scanned.addAndGet(scannedCalls);
    matched.addAndGet(matchedCalls);
    added.addAndGet(addedEntries);
    alreadyPresent.addAndGet(presentEntries);
  }

  public JobFigures snapshot() {
    return new JobFigures(scanned.get(), total.get(), matched.get(), added.get(), alreadyPresent.get());
  }
}
