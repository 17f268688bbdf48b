package io.tandem.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.tandem.call.Position;
import io.tandem.call.Role;
import java.util.List;

/**
 * What {@code GET /health} of a recorder says: who it is, its role and epoch as it holds them, whether it can
 * capture (false when its disk is full or capture is down: the RRC then takes it as failed), whether it is
 * registered with the call database, its calls in progress, and the alarms it raises itself (such as
 * {@code DISK_LOW}), each a short upper-case kind. Immutable.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecorderHealth(String serial, Position position, Role role, long epoch, boolean capturing,
    boolean registered, int activeCalls, List<String> alarms) {
  public RecorderHealth {
    alarms = alarms == null ? List.of() : List.copyOf(alarms);
  }
}
