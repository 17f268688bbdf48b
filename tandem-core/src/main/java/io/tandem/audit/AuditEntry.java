package io.tandem.audit;

import java.util.Objects;

/**
 * One thing to audit: who did it (the authenticated actor, never a name a request carries), what, to what, with
 * which details, and how it ended. Immutable.
 */
public record AuditEntry(String actor, String action, String target, String detail, String result) {
  public AuditEntry {
    actor = storable(Objects.requireNonNull(actor, "actor"));
    action = storable(Objects.requireNonNull(action, "action"));
    target = storable(Objects.requireNonNull(target, "target"));
    detail = storable(Objects.requireNonNull(detail, "detail"));
    result = storable(Objects.requireNonNull(result, "result"));
  }

  /** A NUL, which a request may carry but PostgreSQL text cannot hold, is kept as U+FFFD. */
  private static String storable(String text) {
    return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
  }
}
