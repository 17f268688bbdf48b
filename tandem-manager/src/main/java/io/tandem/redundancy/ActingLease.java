package io.tandem.redundancy;

import io.tandem.database.LeaderFence;
import io.tandem.database.LeaseLostException;
import java.util.Optional;

/**
 * The RRC lease as the parts that act under it see it: the fence every acting write is made under while this Manager
 * acts, and the way to stop acting at once when the call database refuses such a write because another Manager took
 * the lease meanwhile. Thread-safe.
 */
public interface ActingLease {
  /** The fence of the lease this Manager holds, while it acts on its own clock; empty while it stands by. */
  Optional<LeaderFence> fence();

  /** A write under {@code refusal.fence()} was refused: stop acting now, if that is still the lease held. */
  void lost(LeaseLostException refusal);
}
