package io.tandem.workflow;

/**
 * Where a Workflow entry stands: PENDING (to consolidate), ARCHIVING (marked, archive rules to apply),
 * DONE, FAILED (a fatal error, with its reason), or AWAITING_REPROCESS (added by a Rebuild Full; nothing
 * consolidates it until the Recorder Manager reprocesses it).
 */
public enum WorkflowState {
  PENDING,
  ARCHIVING,
  DONE,
  FAILED,
  AWAITING_REPROCESS
}
