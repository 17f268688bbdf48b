package io.tandem.audit;

import java.time.Instant;

/** One row of the audit as it is stored: its id, time, entry and the hashes that chain it. Immutable. */
public record AuditRow(long id, Instant at, String actor, String action, String target, String detail,
    String result, String prevHash, String hash) {

  public AuditEntry entry() {
    return new AuditEntry(actor, action, target, detail, result);
  }
}
