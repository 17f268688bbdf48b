package io.tandem.database;

/**
 * The controller lease as one read of the call database saw it.
 *
 * @param holderId the holding Manager's id for this run, or null when no Manager holds it
 * @param holderUrl the URL the holding Manager answers on, or null
 * @param epoch raised at every change of holder
 * @param renewals raised at every write of the lease, renewals included
 */
public record LeaseView(String holderId, String holderUrl, long epoch, long renewals) {
  public boolean held() {
    return holderId != null;
  }
}
