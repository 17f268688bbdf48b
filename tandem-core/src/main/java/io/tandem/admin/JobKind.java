package io.tandem.admin;

/**
 * What a recorder job does: a Rebuild (Fix or Full) of the Workflow, a reprocess of a call date range, or the
 * promotion of the rollback window that the RRC orders at failover.
 */
public enum JobKind {
  REBUILD,
  REPROCESS,
  PROMOTION
}
