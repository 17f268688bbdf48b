package io.tandem.shell;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock for tests that moves on by a fixed step each time it is read. Not thread-safe. */
final class TickingClock implements InstantSource {
  private final Duration step;
  private Instant now = Instant.parse("2026-11-26T14:00:00Z");

  TickingClock(Duration step) {
    this.step = step;
  }

  @Override
  public Instant instant() {
    Instant read = now;
    now = now.plus(step);
    return read;
  }
}
