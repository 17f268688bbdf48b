package io.tandem.notification;

import io.tandem.database.EventView;
import java.time.Instant;
import java.util.Map;

/**
 * An event as a webhook receives it: the fields of {@code GET /api/events} ({@code id}, {@code type},
 * {@code at}, {@code pair}, {@code details}) and a one-line {@code summary}. Immutable.
 */
record EventPayload(long id, String type, Instant at, String pair, Map<String, Object> details, String summary) {
  static EventPayload of(EventView event) {
    return new EventPayload(event.id(), event.type(), event.at(), event.pair(), event.details(),
        EventSummary.of(event));
  }
}
