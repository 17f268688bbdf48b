package io.tandem.capture.rtp;

/**
 * How many datagrams one socket may give per select round. It stays at one while the socket holds at
 * most a packet when it is selected, so a stream at its normal pace costs no receive that finds the
 * socket empty; it doubles while the socket is selected in round after round with its budget used up,
 * and halves when a receive finds the socket empty. Confined to its capture thread.
 */
final class ReceiveBudget {
  /** Bounds one socket's turn so a flooded stream cannot starve the others. */
  static final int MAX = 64;

  private int limit = 1;
  private long lastRound = Long.MIN_VALUE;

  int limit() {
    return limit;
  }

  /**
   * Adjusts the budget after a turn of select round {@code round}.
   *
   * @param emptied whether a receive of the turn found the socket empty
   */
  void turnEnded(long round, boolean emptied) {
    if (emptied) {
      limit = Math.max(1, limit >> 1);
    } else if (round == lastRound + 1) {
      limit = Math.min(MAX, limit << 1);
    }
    lastRound = round;
  }
}
