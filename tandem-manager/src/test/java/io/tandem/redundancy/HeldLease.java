package io.tandem.redundancy;

import io.tandem.database.CallDatabase;
import io.tandem.database.ControllerLease;
import io.tandem.database.LeaderFence;
import io.tandem.database.LeaseLostException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** The RRC lease taken in the call database for a test's controller, which acts while {@code acting} says so. */
final class HeldLease implements ActingLease {
  private final LeaderFence fence;
  private final BooleanSupplier acting;
  private final List<LeaseLostException> refusals = new CopyOnWriteArrayList<>();

  private HeldLease(LeaderFence fence, BooleanSupplier acting) {
    this.fence = fence;
    this.acting = acting;
  }

  /** Takes the lease from whoever held it. */
  static HeldLease take(CallDatabase database, BooleanSupplier acting) throws SQLException {
    ControllerLease lease = database.controllerLease();
    String id = UUID.randomUUID().toString();
    long epoch = lease.take(id, "http://test-" + id, lease.read().renewals()).orElseThrow();
    return new HeldLease(new LeaderFence(id, epoch), acting);
  }

  @Override
  public Optional<LeaderFence> fence() {
    return refusals.isEmpty() && acting.getAsBoolean() ? Optional.of(fence) : Optional.empty();
  }

  @Override
  public void lost(LeaseLostException refusal) {
    refusals.add(refusal);
  }
}
