package io.tandem.database;

import io.tandem.call.Role;
import java.time.Duration;

/**
 * What the call database answers a registering recorder: its role, its pair's epoch and rollback window, and
 * whether the pair's gap policy promotes a call of the secondary missing from the call database.
 */
public record RecorderAssignment(Role role, long epoch, Duration rollbackWindow, boolean promoteGaps) {}
