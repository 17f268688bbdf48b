package io.tandem.audit;

import java.util.Optional;

/**
 * What a verification of the audit chain found: intact with its row count, or the first broken link (the id of the
 * row at fault and what is wrong with it). Immutable.
 */
public record AuditVerdict(boolean intact, long rows, Long brokenRowId, String problem) {
  public static AuditVerdict intact(long rows) {
    return new AuditVerdict(true, rows, null, null);
  }

  public static AuditVerdict broken(long rowsChecked, long rowId, String problem) {
    return new AuditVerdict(false, rowsChecked, rowId, problem);
  }

  public Optional<Long> brokenRow() {
    return Optional.ofNullable(brokenRowId);
  }

  /** One line: {@code intact, N rows} or {@code broken at row ID: what is wrong}. */
  public String line() {
    return intact ? "intact, " + rows + " rows" : "broken at row " + brokenRowId + ": " + problem;
  }
}
