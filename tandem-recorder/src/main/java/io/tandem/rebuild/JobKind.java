package io.tandem.rebuild;

/** What a recorder job does: a Rebuild (Fix or Full) of the Workflow, or a reprocess of a call date range. */
public enum JobKind {
  REBUILD,
  REPROCESS
}
