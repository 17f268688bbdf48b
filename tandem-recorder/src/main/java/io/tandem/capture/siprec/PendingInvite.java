package io.tandem.capture.siprec;

import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipPeer;
import java.util.Objects;

/** An INVITE being answered, until its session is published or a CANCEL stops it. Thread-safe. */
final class PendingInvite {
  private final String branch;
  private final String fromTag;
  private final SipPeer peer;
  private boolean cancelled;
  private boolean answered;

  PendingInvite(SipMessage invite, SipPeer peer) {
    this.branch = invite.topViaBranch();
    this.fromTag = invite.fromTag();
    this.peer = peer;
  }

  /** Whether a CANCEL is of this INVITE's transaction, from its sender. */
  boolean sameTransaction(SipMessage cancel, SipPeer from) {
    return (branch == null || branch.equals(cancel.topViaBranch()))
        && Objects.equals(fromTag, cancel.fromTag()) && peer.sameSource(from);
  }

  /** Publishes the session unless a CANCEL came first; false when it did. */
  synchronized boolean answer(Runnable publish) {
    if (cancelled) {
      return false;
    }
    publish.run();
    answered = true;
    return true;
  }

  /** Cancels the INVITE unless it was already answered; false when it was. */
  synchronized boolean cancel() {
    if (answered) {
      return false;
    }
    cancelled = true;
    return true;
  }
}
