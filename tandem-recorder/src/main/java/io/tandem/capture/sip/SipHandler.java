package io.tandem.capture.sip;

/**
 * Handles one SIP request that the transaction layer has not absorbed as a retransmission. Called on a
 * virtual thread; may block (durable writes happen here). Must answer through {@code reply} exactly once
 * for every request but ACK.
 */
@FunctionalInterface
public interface SipHandler {
  void handle(SipMessage request, SipReply reply);
}
