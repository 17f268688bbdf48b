package io.tandem.manager;

import io.tandem.call.Position;
import io.tandem.call.Role;
import io.tandem.database.RecorderView;

/** A recorder as {@code GET /api/pairs} shows it: as stored, plus whether its health checks answer now. */
public record RecorderStatus(String serial, Position position, Role role, boolean healthy, String adminUrl,
    String sipAddress) {

  static RecorderStatus of(RecorderView recorder, boolean healthy) {
    return new RecorderStatus(recorder.serial(), recorder.position(), recorder.role(), healthy, recorder.adminUrl(),
        recorder.sipAddress());
  }
}
