package io.tandem.notification;

/** How syslog messages travel: one UDP datagram each (RFC 5426), or octet-counted frames on TCP (RFC 6587). */
public enum SyslogTransport {
  UDP, TCP;

  /** {@code udp} or {@code tcp}, as the config file and the API write it. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static SyslogTransport of(String word) {
    for (SyslogTransport transport : values()) {
      if (transport.word().equals(word)) {
        return transport;
      }
    }
    throw new InvalidTargetException("transport", "must be udp or tcp, got "
        + (word == null ? "nothing" : "'" + word + "'"));
  }
}
