package io.tandem.callbuffer;

import io.tandem.database.LegalHold;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one retention pass goes by: calls that started before {@code oldestKept} are due, and so are the oldest
 * while the buffer holds more than {@code maxBytes}; a due call is rolled off only when its copy is in the call
 * database ({@code links} says which are; an entry DONE in the Workflow was marked, so it is too), it is not
 * awaiting reprocess nor being consolidated, and no legal hold covers its start. {@code holds} null means the
 * pair's holds could not be read, and then nothing is rolled off. Immutable.
 */
public record RetentionRules(Instant oldestKept, long maxBytes, List<LegalHold> holds, CopyLinks links) {
  /** Tells which calls are copies in the call database; a failure leaves every asked call held. */
  @FunctionalInterface
  public interface CopyLinks {
    Set<Long> linked(long[] inums) throws Exception;
  }

  public RetentionRules {
    Objects.requireNonNull(oldestKept, "oldestKept");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
    }
    holds = holds == null ? null : List.copyOf(holds);
    Objects.requireNonNull(links, "links");
  }

  /** Whether a call that started at {@code start} is in a legal hold, or may be (the holds are unknown). */
  boolean held(Instant start) {
    return holds == null || holds.stream().anyMatch(hold -> hold.covers(start));
  }
}
