package io.tandem.database;

import io.tandem.call.CallRecord;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Marks a large batch as two transactions at once on two connections, so that the call database works on two
 * cores: the batch is split by correlation key, and each half holds the calls of its own keys, so the halves
 * never wait for each other. The batch is done when both committed. When one fails, the other may have
 * committed: that half is marked, and marking the whole batch again (as every caller does after a failure)
 * finds it already there. Thread-safe.
 */
final class MarkingHalves implements AutoCloseable {
  /** Marks one half in a transaction of its own. */
  @FunctionalInterface
  interface Half {
    MarkResult mark(SortedMap<String, Span> spans, List<CallRecord> calls) throws SQLException, FencedException;
  }

  /** Marks the second half of a large batch; its threads end when idle. */
  private final ExecutorService second = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "call-marking-half");
    thread.setDaemon(true);
    return thread;
  });

  MarkResult mark(SortedMap<String, Span> spans, Collection<CallRecord> calls, Half half)
      throws SQLException, FencedException {
    String middle = spans.keySet().stream().skip(spans.size() / 2).findFirst().orElseThrow();
    List<CallRecord> firstCalls = new ArrayList<>(calls.size() / 2 + 1);
    List<CallRecord> secondCalls = new ArrayList<>(calls.size() / 2 + 1);
    for (CallRecord call : calls) {
      (call.correlationKey().compareTo(middle) < 0 ? firstCalls : secondCalls).add(call);
    }
    Future<MarkResult> other = second.submit(() -> half.mark(spans.tailMap(middle), secondCalls));
    MarkResult first;
    try {
      first = half.mark(spans.headMap(middle), firstCalls);
    } catch (SQLException | FencedException | RuntimeException | Error e) {
      try {
        waitFor(other);
      } catch (Exception | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    MarkResult last = waitFor(other);
    return new MarkResult(first.marked() + last.marked(), first.alreadyPresent() + last.alreadyPresent(),
        first.interactionsCreated() + last.interactionsCreated());
  }

  /** The other half's result, waiting for it without giving up (it takes milliseconds); rethrows its failure. */
  private static MarkResult waitFor(Future<MarkResult> half) throws SQLException, FencedException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return half.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          switch (e.getCause()) {
            case SQLException sql -> throw sql;
            case FencedException fenced -> throw fenced;
            case RuntimeException runtime -> throw runtime;
            case Error error -> throw error;
            default -> throw new IllegalStateException("marking half a batch failed", e.getCause());
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    second.shutdown();
  }
}
