package io.tandem.audit;

import java.util.Objects;

/**
 * One thing to audit: who did it (the authenticated actor, never a name a request carries), what, to what, with
 * which details, and how it ended. Immutable.
 */
public record AuditEntry(String actor, String action, String target, String detail, String result) {
  public AuditEntry {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(result, "result");
  }
}
