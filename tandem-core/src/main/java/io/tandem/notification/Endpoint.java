package io.tandem.notification;

/** Where and how a notification target receives events: a webhook or a syslog receiver. Immutable. */
public sealed interface Endpoint permits WebhookEndpoint, SyslogEndpoint {
  /** {@code webhook} or {@code syslog}, as the config file and the API write it. */
  String kind();
}
