package io.tandem.database;

import java.util.Objects;

/**
 * The fencing token of one leadership of the Recorder Redundancy Controller: the controller lease as the Manager that
 * took it holds it, its id for this run and the lease's epoch then. Every acting write of the RRC is made under it,
 * and commits only while the lease row still names this holder at this epoch.
 */
public record LeaderFence(String holderId, long epoch) {
  public LeaderFence {
    Objects.requireNonNull(holderId, "holderId");
    if (epoch < 1) {
      throw new IllegalArgumentException("a lease epoch is at least 1, got " + epoch);
    }
  }
}
