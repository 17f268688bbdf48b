package io.tandem.recorder;

import io.tandem.call.CallState;
import io.tandem.call.DtmfEvent;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.callbuffer.LocalStoreException;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The ends of calls that the local store refused to write (its disk full), kept in memory in the order they
 * came and written again, oldest first, until the store takes them. Until then such a call stays RECORDING in
 * the call buffer with its media settled on disk, so that a restart in between keeps it as truncated with that
 * media. Thread-safe: ends may be added from any thread; writes run one at a time.
 */
final class DeferredEnds {
  /** A call's end as its recording session gave it. */
  record End(Inum inum, Instant end, CallState state, MediaStats stats, List<DtmfEvent> dtmf) {}

  /** Writes one end durably, or throws what the store said. */
  @FunctionalInterface
  interface Writer {
    void write(End end);
  }

  private final Queue<End> waiting = new ConcurrentLinkedQueue<>();

  void add(End end) {
    waiting.add(end);
  }

  /**
   * Writes the waiting ends in order and stops at the first the store refuses, which waits for the next try.
   *
   * @return how many were written
   */
  synchronized int writeWaiting(Writer writer) {
    int written = 0;
    for (End next = waiting.peek(); next != null; next = waiting.peek()) {
      try {
        writer.write(next);
      } catch (LocalStoreException e) {
        return written;
      }
      waiting.remove();
      written++;
    }
    return written;
  }

  int size() {
    return waiting.size();
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }
}
