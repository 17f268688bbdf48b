package io.tandem.capture.sip;

/** Sends the response to one request back over the transport and connection it arrived on. */
public interface SipReply {
  void send(SipMessage response);

  /** Whether the request came over a reliable transport (TCP or TLS), where nothing is retransmitted. */
  boolean reliable();

  /** Where the request came from. */
  SipPeer peer();
}
