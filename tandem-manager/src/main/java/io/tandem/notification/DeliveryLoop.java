package io.tandem.notification;

import io.tandem.database.EventView;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the events of the event log to one target, in the order of their ids, each until the target takes
 * it: a failed attempt is tried again after a backoff that doubles up to a cap, and no later event overtakes it.
 * After each delivery the target's mark (the id of the last event it delivered) is stored, and a new loop starts
 * after the stored mark: so nothing appended is lost across a Manager restart, and nothing is delivered twice
 * unless the Manager dies between a delivery and its mark (then once more: at least once). A mark that cannot be
 * stored now is stored with the next one. {@link #step} runs on one thread at a time; the figures are readable
 * from any thread.
 */
final class DeliveryLoop {
  /** Where the events come from and where the mark goes: the call database in production. */
  interface EventFeed {
    List<EventView> eventsAfter(long id, int limit) throws SQLException;

    void delivered(long targetId, long eventId) throws SQLException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLoop.class);
  private static final int BATCH = 100;

  private final long targetId;
  private final String name;
  private final EventFeed feed;
  private final EventSender sender;
  private final Backoff backoff;
  private final Duration idle;
  private final Clock clock;
  private final Deque<EventView> pending = new ArrayDeque<>();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile long mark;
  private volatile Instant oldestPendingAt;
  private int failuresInARow;

  /** {@code mark}: the stored mark to go on from; {@code idle}: how long to wait when no event is pending. */
  DeliveryLoop(long targetId, String name, long mark, EventFeed feed, EventSender sender, Backoff backoff,
      Duration idle, Clock clock) {
    this.targetId = targetId;
    this.name = name;
    this.mark = mark;
    this.feed = feed;
    this.sender = sender;
    this.backoff = backoff;
    this.idle = idle;
    this.clock = clock;
  }

  /** Delivers at most one event; how long to wait before the next step (zero: go on at once). */
  Duration step() throws InterruptedException {
    if (pending.isEmpty() && !fetch()) {
      return idle;
    }
    EventView next = pending.peekFirst();
    try {
      sender.send(next);
    } catch (IOException | RuntimeException e) {
      failed.incrementAndGet();
      failuresInARow++;
      Duration wait = backoff.after(failuresInARow);
      LOG.warn("notification target {}: event {} ({}) not delivered, attempt {}: {}; trying again in {}", name,
          next.id(), next.type(), failuresInARow, e.toString(), wait);
      return wait;
    }
    pending.removeFirst();
    failuresInARow = 0;
    mark = next.id();
    delivered.incrementAndGet();
    oldestPendingAt = pending.isEmpty() ? null : pending.peekFirst().at();
    storeMark();
    return Duration.ZERO;
  }

  /** False when no event is pending. */
  private boolean fetch() {
    try {
      pending.addAll(feed.eventsAfter(mark, BATCH));
    } catch (SQLException | RuntimeException e) {
      LOG.warn("notification target {}: cannot read the events after {}: {}", name, mark, e.toString());
    }
    oldestPendingAt = pending.isEmpty() ? null : pending.peekFirst().at();
    return !pending.isEmpty();
  }

  private void storeMark() {
    try {
      feed.delivered(targetId, mark);
    } catch (SQLException | RuntimeException e) {
      LOG.warn("notification target {}: delivered event {} but cannot store the mark yet: {}", name, mark,
          e.toString());
    }
  }

  String name() {
    return name;
  }

  /** The id of the last event delivered. */
  long mark() {
    return mark;
  }

  long deliveredCount() {
    return delivered.get();
  }

  long failedCount() {
    return failed.get();
  }

  /** How long the oldest event known and not yet delivered has waited since it was appended; zero when none. */
  Duration lag() {
    Instant oldest = oldestPendingAt;
    return oldest == null ? Duration.ZERO : Duration.between(oldest, clock.instant());
  }

  void closeSender() {
    sender.close();
  }
}
