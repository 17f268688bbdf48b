package io.tandem.rebuild;

import java.time.Instant;

/**
 * A recorder job as the admin API shows it: its id, kind, command, state, times, progress, and once it has
 * ended its summary line (DONE) or error (FAILED). Immutable snapshot.
 */
public record JobView(String id, JobKind kind, String command, JobState state, Instant startedAt,
    Instant finishedAt, JobProgress.Snapshot progress, String summary, String error) {}
