package io.tandem.database;

/**
 * An acting write of the Recorder Redundancy Controller was refused, and nothing of it written: the controller lease
 * is no longer held by the fence's holder at the fence's epoch (another Manager took it, or it was given up).
 */
public final class LeaseLostException extends Exception {
  private final LeaderFence fence;
  private final String currentHolderUrl;
  private final long currentEpoch;

  public LeaseLostException(LeaderFence fence, String currentHolderUrl, long currentEpoch) {
    super("the RRC lease is at epoch " + currentEpoch + ", held by " + (currentHolderUrl == null ? "no Manager"
        : currentHolderUrl) + ", not at epoch " + fence.epoch() + " by this Manager");
    this.fence = fence;
    this.currentHolderUrl = currentHolderUrl;
    this.currentEpoch = currentEpoch;
  }

  /** The fence the refused write was made under. */
  public LeaderFence fence() {
    return fence;
  }

  /** The URL of the Manager that holds the lease now, as the refusing transaction saw it; null when none does. */
  public String currentHolderUrl() {
    return currentHolderUrl;
  }

  public long currentEpoch() {
    return currentEpoch;
  }
}
