package io.tandem.database;

import java.time.Instant;
import java.util.Objects;

/**
 * A legal hold on a pair's call date range: no recorder of the pair rolls off a call whose start is in
 * {@code [from, to)}, whatever the state of its copy. Immutable.
 */
public record LegalHold(long id, String pair, Instant from, Instant to, String reason, Instant createdAt,
    String createdBy) {
  public LegalHold {
    Objects.requireNonNull(pair, "pair");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(createdBy, "createdBy");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("a legal hold's from (" + from + ") must be before its to (" + to + ")");
    }
  }

  /** Whether a call that started at {@code start} is held. */
  public boolean covers(Instant start) {
    return !start.isBefore(from) && start.isBefore(to);
  }
}
