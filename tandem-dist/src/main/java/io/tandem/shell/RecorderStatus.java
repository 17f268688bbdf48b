package io.tandem.shell;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Map;

/** What {@code GET /api/status} of a recorder says, as far as WorkflowShell needs it. Immutable. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecorderStatus(String serial, String pair, String position, String role, long epoch,
    boolean registered, String timeZone, String sipAddress, int activeCalls, Buffer buffer,
    Map<String, Long> workflow) {

  /** The call buffer's size and the starts of its oldest and newest calls (null when it is empty). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Buffer(long calls, long bytes, Instant oldestStart, Instant newestStart) {}
}
