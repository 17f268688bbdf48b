package io.tandem.capture.sip;

import java.time.Duration;
import java.util.Objects;

/**
 * How much SIP a recorder takes at once: calls in progress (INVITEs being answered count), audio streams in one
 * call's offer, open TCP and TLS connections together, and how long a connection may stay silent before it is
 * closed. Immutable; validated when built, errors name the config key.
 */
public record SipLimits(int maxCalls, int maxStreamsPerCall, int maxTcpConnections, Duration tcpIdleTimeout) {
  public static final int DEFAULT_MAX_CALLS = 1_000;
  public static final int DEFAULT_MAX_STREAMS_PER_CALL = 8;
  public static final int DEFAULT_MAX_TCP_CONNECTIONS = 256;
  public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofMinutes(10);
  public static final SipLimits DEFAULTS = new SipLimits(DEFAULT_MAX_CALLS, DEFAULT_MAX_STREAMS_PER_CALL,
      DEFAULT_MAX_TCP_CONNECTIONS, DEFAULT_TCP_IDLE_TIMEOUT);

  public SipLimits {
    if (maxCalls < 1 || maxCalls > 1_000_000) {
      throw new IllegalArgumentException("'sip.maxCalls' must be 1 to 1000000, got " + maxCalls);
    }
    if (maxStreamsPerCall < 1 || maxStreamsPerCall > 64) {
      throw new IllegalArgumentException("'sip.maxStreamsPerCall' must be 1 to 64 (a WAV channel each), got "
          + maxStreamsPerCall);
    }
    if (maxTcpConnections < 1 || maxTcpConnections > 100_000) {
      throw new IllegalArgumentException("'sip.maxTcpConnections' must be 1 to 100000, got " + maxTcpConnections);
    }
    Objects.requireNonNull(tcpIdleTimeout, "tcpIdleTimeout");
    if (tcpIdleTimeout.toMillis() < 100 || tcpIdleTimeout.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("'sip.tcpIdleTimeout' must be a duration from 100ms to 1d, got "
          + tcpIdleTimeout.toMillis() + "ms");
    }
  }
}
