package io.tandem.database;

import java.time.Instant;
import java.util.Objects;

/**
 * An alarm raised and not yet cleared: its pair, its kind (BACKUP_DOWN, GAP, DISK_LOW, ...), the recorder it is
 * about (null when it is about the pair as a whole), when it was raised and the id of the event that said so.
 */
public record RaisedAlarm(String pair, String alarm, String serial, Instant raisedAt, long eventId) {
  public RaisedAlarm {
    Objects.requireNonNull(pair, "pair");
    Objects.requireNonNull(alarm, "alarm");
    Objects.requireNonNull(raisedAt, "raisedAt");
  }
}
