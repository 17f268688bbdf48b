package io.tandem.database;

import io.tandem.call.Position;
import io.tandem.call.Role;

/** A registered recorder as stored: its six-digit serial, position, current role and addresses. */
public record RecorderView(String serial, Position position, Role role, String adminUrl, String sipAddress) {}
