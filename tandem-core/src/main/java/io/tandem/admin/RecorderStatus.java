package io.tandem.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.tandem.call.Position;
import io.tandem.call.Role;
import java.time.Instant;
import java.util.Map;

/**
 * What {@code GET /api/status} of a recorder says: identity, role and epoch, the pair's gap policy as it last
 * learned it, its time zone and SIP address, calls in progress, its call buffer and its Workflow's entries by
 * state. Immutable.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecorderStatus(String serial, String pair, Position position, Role role, long epoch,
    boolean registered, String gapPolicy, String timeZone, String sipAddress, int activeCalls, Buffer buffer,
    Map<String, Long> workflow) {

  /** The call buffer's size and the starts of its oldest and newest calls (null when it is empty). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Buffer(long calls, long bytes, Instant oldestStart, Instant newestStart) {}
}
