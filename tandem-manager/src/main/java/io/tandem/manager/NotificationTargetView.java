package io.tandem.manager;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tandem.notification.NotificationTarget;
import io.tandem.notification.SyslogEndpoint;
import io.tandem.notification.WebhookEndpoint;

/**
 * A notification target as {@code /api/notification-targets} shows it: never its secret, only whether it has
 * one. The fields of the other kind are left out. Immutable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationTargetView(long id, String name, String kind, String source, String url, Boolean secretSet,
    String host, Integer port, String transport, String facility, long lastDeliveredEventId) {

  static NotificationTargetView of(NotificationTarget target) {
    return switch (target.spec().endpoint()) {
      case WebhookEndpoint webhook -> new NotificationTargetView(target.id(), target.name(), webhook.kind(),
          target.source().word(), webhook.url().toString(), true, null, null, null, null, target.lastEventId());
      case SyslogEndpoint syslog -> new NotificationTargetView(target.id(), target.name(), syslog.kind(),
          target.source().word(), null, null, syslog.host(), syslog.port(), syslog.transport().word(),
          syslog.facility().word(), target.lastEventId());
    };
  }
}
