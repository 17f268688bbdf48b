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
 * finds it already there. Linking writes its halves through {@link #both} the same way. Thread-safe.
 */
final class MarkingHalves implements AutoCloseable {
  /** Marks one half in a transaction of its own. */
  @FunctionalInterface
  interface Half {
    MarkResult mark(SortedMap<String, Span> spans, List<CallRecord> calls) throws SQLException, FencedException;
  }

  /** Threads of the second halves; they end when idle. */
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
    List<MarkResult> results = both(() -> half.mark(spans.headMap(middle), firstCalls),
        () -> half.mark(spans.tailMap(middle), secondCalls));
    MarkResult first = results.get(0);
    MarkResult last = results.get(1);
    return new MarkResult(first.marked() + last.marked(), first.alreadyPresent() + last.alreadyPresent(),
        first.interactionsCreated() + last.interactionsCreated());
  }

  /** One half's work, in a transaction of its own or in the caller's. */
  @FunctionalInterface
  interface Part<T> {
    T run() throws SQLException, FencedException;
  }

  /**
   * Runs {@code here} on the calling thread and {@code there} on a thread of this object at once, and returns
   * both results in that order once both are done. When either fails, the other is still waited for (its
   * failure added as suppressed), so that no half is left running behind a batch its caller thinks has ended.
   */
  <T> List<T> both(Part<T> here, Part<T> there) throws SQLException, FencedException {
    Future<T> other = second.submit(there::run);
    T first;
    try {
      first = here.run();
    } catch (SQLException | FencedException | RuntimeException | Error e) {
      try {
        waitFor(other);
      } catch (Exception | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return List.of(first, waitFor(other));
  }

  /** The other half's result, waiting for it without giving up (it takes milliseconds); rethrows its failure. */
  private static <T> T waitFor(Future<T> half) throws SQLException, FencedException {
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
