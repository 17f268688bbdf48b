package io.tandem.capture.sip;

/** A limit of {@link SipLimits} that refused something, with the label metrics count it by and its config key. */
public enum SipLimit {
  CALLS_IN_PROGRESS("calls-in-progress", "sip.maxCalls"),
  STREAMS_PER_CALL("streams-per-call", "sip.maxStreamsPerCall"),
  TCP_CONNECTIONS("tcp-connections", "sip.maxTcpConnections"),
  TCP_IDLE("tcp-idle", "sip.tcpIdleTimeout");

  private final String label;
  private final String key;

  SipLimit(String label, String key) {
    this.label = label;
    this.key = key;
  }

  public String label() {
    return label;
  }

  /** The config key that sets it. */
  public String key() {
    return key;
  }
}
