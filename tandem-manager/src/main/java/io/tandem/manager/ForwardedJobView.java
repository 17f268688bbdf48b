package io.tandem.manager;

import io.tandem.admin.JobFigures;
import io.tandem.admin.JobKind;
import io.tandem.admin.JobState;

/**
 * A job the Manager started on a recorder (a reprocess or a Rebuild) as the API shows it: the Manager's id, what
 * it does, the recorder's serial, and the state (RUNNING, DONE or FAILED), figures, summary and error read
 * through from the recorder's job. Immutable.
 */
public record ForwardedJobView(String id, JobKind kind, String serial, JobState state, JobFigures progress, String summary,
    String error) {}
