package io.tandem.database;

import java.util.List;

/**
 * What the gap audits reported after a given event and is still missing from the call database: the GAP events
 * whose conversation has no interaction yet, oldest first, and the id of the last event the reading saw (every
 * event up to it was looked at, since events become visible in the order of their ids). Immutable.
 */
public record OpenGaps(List<EventView> missing, long lastSeenEventId) {
  public OpenGaps {
    missing = List.copyOf(missing);
  }
}
