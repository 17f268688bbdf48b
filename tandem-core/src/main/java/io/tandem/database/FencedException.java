package io.tandem.database;

/** Marking was refused because the recorder's epoch is no longer its pair's current epoch. */
public final class FencedException extends Exception {
  private final long currentEpoch;

  public FencedException(Fence fence, long currentEpoch) {
    super("recorder " + fence.serial() + " marks under epoch " + fence.epoch() + " but its pair is at epoch "
        + currentEpoch);
    this.currentEpoch = currentEpoch;
  }

  public long currentEpoch() {
    return currentEpoch;
  }
}
