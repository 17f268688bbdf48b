package io.tandem.database;

import io.tandem.call.Serial;

/**
 * The fencing token a recorder marks under: its serial and the epoch of its pair as it last learned
 * it. Marking succeeds only while the pair's current epoch equals this one.
 */
public record Fence(int serial, long epoch) {
  public Fence {
    Serial.check(serial);
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
    }
  }
}
