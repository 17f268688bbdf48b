package io.tandem.manager;

import io.javalin.http.Context;
import io.tandem.notification.NotificationTarget;
import io.tandem.notification.Notifier;
import io.tandem.notification.TargetSpec;
import java.util.Optional;

/**
 * {@code GET, POST /api/notification-targets} and {@code DELETE /api/notification-targets/{id}}: a thin layer
 * that parses requests and answers with what the {@link Notifier} did. Thread-safe.
 */
final class NotificationTargetApi {
  private final Notifier notifier;

  NotificationTargetApi(Notifier notifier) {
    this.notifier = notifier;
  }

  void list(Context ctx) throws Exception {
    JsonAnswers.json(ctx, 200, notifier.targets().stream().map(NotificationTargetView::of).toList());
  }

  void add(Context ctx) throws Exception {
    TargetSpec spec = NotificationTargetRequest.parse(ctx.body());
    Optional<NotificationTarget> added = notifier.add(spec);
    if (added.isPresent()) {
      JsonAnswers.json(ctx, 201, NotificationTargetView.of(added.get()));
    } else {
      JsonAnswers.error(ctx, 409, "a notification target named '" + spec.name() + "' exists already");
    }
  }

  void remove(Context ctx) throws Exception {
    long id = RequestParameters.id(ctx, "notification target id");
    switch (notifier.remove(id)) {
      case REMOVED -> ctx.status(204);
      case NO_SUCH_TARGET -> JsonAnswers.error(ctx, 404, "no notification target " + id);
      case DEFINED_IN_CONFIG -> JsonAnswers.error(ctx, 409, "notification target " + id + " is defined in the "
          + "Manager's config file: remove it there");
    }
  }
}
