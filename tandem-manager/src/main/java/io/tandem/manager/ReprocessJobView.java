package io.tandem.manager;

import io.tandem.admin.JobFigures;
import io.tandem.admin.JobState;

/**
 * A Manager reprocess job as the API shows it: the Manager's id, the recorder's serial, and the state
 * (RUNNING, DONE or FAILED), figures, summary and error read through from the recorder's job. Immutable.
 */
public record ReprocessJobView(String id, String serial, JobState state, JobFigures progress, String summary,
    String error) {}
