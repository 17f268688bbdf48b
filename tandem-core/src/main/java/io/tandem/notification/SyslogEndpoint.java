package io.tandem.notification;

import java.util.Objects;

/** A syslog receiver: RFC 5424 messages to {@code host:port} over UDP or TCP. Immutable; validated when built. */
public record SyslogEndpoint(String host, int port, SyslogTransport transport, SyslogFacility facility)
    implements Endpoint {
  public static final int DEFAULT_PORT = 514;

  public SyslogEndpoint {
    if (host == null || host.isBlank() || !host.strip().equals(host) || host.contains("/")) {
      throw new InvalidTargetException("host", "must be a host name or address, got "
          + (host == null ? "nothing" : "'" + host + "'"));
    }
    if (port < 1 || port > 65_535) {
      throw new InvalidTargetException("port", "must be a port from 1 to 65535, got " + port);
    }
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(facility, "facility");
  }

  @Override
  public String kind() {
    return "syslog";
  }
}
