package io.tandem.manager;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Manager reprocess job as the API shows it: the Manager's id, the recorder's serial, and the state
 * (RUNNING, DONE or FAILED), progress, summary and error read through from the recorder's job. Immutable.
 */
public record ReprocessJobView(String id, String serial, String state, JsonNode progress, String summary,
    String error) {}
