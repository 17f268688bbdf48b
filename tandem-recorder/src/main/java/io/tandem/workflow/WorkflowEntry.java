package io.tandem.workflow;

import io.tandem.call.Inum;
import java.time.Instant;

/**
 * One Workflow entry as stored: its state, how many attempts failed in that state, the last error (or
 * null), when it is next due, and when it last changed. Immutable.
 */
public record WorkflowEntry(Inum inum, WorkflowState state, int attempts, String lastError, Instant nextAttempt,
    Instant updated) {}
