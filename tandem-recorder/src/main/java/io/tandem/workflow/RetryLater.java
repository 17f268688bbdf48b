package io.tandem.workflow;

import io.tandem.call.Inum;
import java.util.List;

/** A consolidation step hit a retryable error; the entries named stay in their state for a later attempt. */
final class RetryLater extends Exception {
  private final transient List<Inum> inums;

  RetryLater(List<Inum> inums, Throwable cause) {
    super(cause.toString(), cause);
    this.inums = List.copyOf(inums);
  }

  List<Inum> inums() {
    return inums;
  }
}
