package io.tandem.notification;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the Recorder Manager pushes events: the targets of its config file, how often each pair's heartbeat is
 * appended, and the longest wait between two delivery attempts of one event. Immutable; validated when built.
 *
 * @param heartbeatInterval time between two HEARTBEAT events of a pair; at least a minute, default a day
 * @param retryMax the cap of the exponential backoff between attempts (1 s, 2 s, 4 s, ...); at least a second
 */
public record NotificationSettings(Duration heartbeatInterval, Duration retryMax, List<TargetSpec> targets) {
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofHours(24);
  public static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(5);
  private static final String WEBHOOK = "notify.webhook.";
  private static final String SYSLOG = "notify.syslog.";

  public NotificationSettings {
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    if (heartbeatInterval.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new ConfigException("notify.heartbeat must be at least 1m, got " + heartbeatInterval);
    }
    Objects.requireNonNull(retryMax, "retryMax");
    if (retryMax.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException("notify.retryMax must be at least 1s, got " + retryMax);
    }
    targets = List.copyOf(targets);
    Set<String> names = new HashSet<>();
    for (TargetSpec target : targets) {
      if (!names.add(target.name())) {
        throw new ConfigException("notification target name '" + target.name() + "' is used twice: a webhook and "
            + "a syslog target need names of their own");
      }
    }
  }

  /** No target, a daily heartbeat, backoff up to five minutes. */
  public static NotificationSettings defaults() {
    return new NotificationSettings(DEFAULT_HEARTBEAT, DEFAULT_RETRY_MAX, List.of());
  }

  /**
   * Reads {@code notify.heartbeat}, {@code notify.retryMax}, {@code notify.webhook.NAME.url|secret} and
   * {@code notify.syslog.NAME.host|port|transport|facility}; a bad value fails naming its key.
   */
  public static NotificationSettings from(ConfigFile file) {
    Duration heartbeat = file.duration("notify.heartbeat", DEFAULT_HEARTBEAT);
    Duration retryMax = file.duration("notify.retryMax", DEFAULT_RETRY_MAX);
    List<TargetSpec> targets = new ArrayList<>();
    for (String name : file.namesUnder(WEBHOOK)) {
      String prefix = WEBHOOK + name + ".";
      targets.add(target(prefix, name, () -> WebhookEndpoint.of(file.string(prefix + "url", null),
          file.string(prefix + "secret", null))));
    }
    for (String name : file.namesUnder(SYSLOG)) {
      String prefix = SYSLOG + name + ".";
      targets.add(target(prefix, name, () -> new SyslogEndpoint(file.string(prefix + "host", null),
          file.integer(prefix + "port", SyslogEndpoint.DEFAULT_PORT, 1, 65_535),
          SyslogTransport.of(file.string(prefix + "transport", "udp")),
          SyslogFacility.of(file.string(prefix + "facility", "local0")))));
    }
    return new NotificationSettings(heartbeat, retryMax, targets);
  }

  private static TargetSpec target(String prefix, String name, java.util.function.Supplier<Endpoint> endpoint) {
    try {
      return new TargetSpec(name, endpoint.get());
    } catch (InvalidTargetException e) {
      String key = "name".equals(e.field()) ? prefix.substring(0, prefix.length() - 1) : prefix + e.field();
      throw new ConfigException("'" + key + "' " + e.reason());
    }
  }
}
