package io.tandem.workflow;

import io.tandem.call.Inum;
import java.time.Instant;

/**
 * One Workflow entry as stored: its state, how many attempts failed in that state, the last error (or
 * null), when it is next due, when it last changed, and whether it is promoted (consolidated even while the
 * recorder is secondary). Immutable.
 */
public record WorkflowEntry(Inum inum, WorkflowState state, int attempts, String lastError, Instant nextAttempt,
    Instant updated, boolean promoted) {}
