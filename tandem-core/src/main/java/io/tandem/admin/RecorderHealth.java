package io.tandem.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.tandem.call.Position;
import io.tandem.call.Role;

/**
 * What {@code GET /health} of a recorder says: who it is, its role and epoch as it holds them, whether it can
 * capture (false when its disk is full or capture is down: the RRC then takes it as failed), whether it is
 * registered with the call database, and its calls in progress. Immutable.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecorderHealth(String serial, Position position, Role role, long epoch, boolean capturing,
    boolean registered, int activeCalls) {}
