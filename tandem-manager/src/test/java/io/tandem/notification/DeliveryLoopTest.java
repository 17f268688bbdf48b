package io.tandem.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.database.EventView;
import io.tandem.redundancy.SettableClock;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The delivery of one target, step by step on a clock that stands still: order, retries, backoff, restarts. */
class DeliveryLoopTest {
  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static final Duration IDLE = Duration.ofMillis(500);
  private static final long TARGET = 7;

  private final SettableClock clock = new SettableClock(T0);
  private final Feed feed = new Feed();
  private final Sender sender = new Sender();

  @Test
  void everyEventIsDeliveredOnceInOrderAndTheMarkFollows() throws Exception {
    feed.append("RECORDER_DOWN", "ALARM_RAISED", "FAILOVER");
    DeliveryLoop loop = loop(0);

    assertThat(runUntilIdle(loop)).isEqualTo(3);

    assertThat(sender.sent).containsExactly(1L, 2L, 3L);
    assertThat(feed.marks.get(TARGET)).isEqualTo(3);
    assertThat(loop.deliveredCount()).isEqualTo(3);
    assertThat(loop.step()).as("nothing more").isEqualTo(IDLE);
    assertThat(sender.sent).hasSize(3);
  }

  @Test
  void aFailedEventIsTriedAgainAfterABackoffThatDoublesUpToItsCapAndNothingOvertakesIt() throws Exception {
    feed.append("ALARM_RAISED", "ALARM_CLEARED");
    sender.failNext(6);
    DeliveryLoop loop = loop(0);

    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(loop.step());
    }

    assertThat(waits).containsExactly(seconds(1), seconds(2), seconds(4), seconds(8), seconds(8), seconds(8));
    assertThat(sender.attempted).containsOnly(1L);
    assertThat(loop.failedCount()).isEqualTo(6);
    assertThat(loop.step()).isZero();
    assertThat(loop.step()).as("the next event goes at once").isZero();
    assertThat(sender.sent).containsExactly(1L, 2L);
  }

  @Test
  void theBackoffStartsAgainAfterADelivery() throws Exception {
    feed.append("ALARM_RAISED", "ALARM_CLEARED");
    DeliveryLoop loop = loop(0);
    sender.failNext(3);
    loop.step();
    loop.step();
    loop.step();
    loop.step();
    sender.failNext(1);

    assertThat(loop.step()).isEqualTo(seconds(1));
  }

  @Test
  void aLoopStartedAgainGoesOnAfterTheStoredMarkAndSendsNothingTwice() throws Exception {
    feed.append("RECORDER_DOWN", "ALARM_RAISED");
    runUntilIdle(loop(0));
    feed.append("RECORDER_UP", "ALARM_CLEARED");

    runUntilIdle(loop(feed.marks.get(TARGET)));

    assertThat(sender.sent).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aMarkThatCannotBeStoredIsStoredWithTheNextAndOnlyACrashBeforeThatSendsItAgain() throws Exception {
    feed.append("RECORDER_DOWN", "ALARM_RAISED", "FAILOVER");
    DeliveryLoop loop = loop(0);
    loop.step();
    feed.failMarks = true;
    loop.step();
    assertThat(feed.marks.get(TARGET)).isEqualTo(1);

    // A Manager that dies now starts again from the stored mark: event 2 goes once more (at least once).
    DeliveryLoop afterCrash = loop(feed.marks.get(TARGET));
    feed.failMarks = false;
    afterCrash.step();
    assertThat(sender.sent).containsExactly(1L, 2L, 2L);

    // The loop that lived on stores the later mark with its next delivery, and repeats nothing.
    loop.step();
    assertThat(feed.marks.get(TARGET)).isEqualTo(3);
    assertThat(sender.sent).containsExactly(1L, 2L, 2L, 3L);
  }

  @Test
  void aFeedThatCannotBeReadIsReadAgainAfterTheIdleInterval() throws Exception {
    feed.append("GAP");
    feed.failReads = true;
    DeliveryLoop loop = loop(0);

    assertThat(loop.step()).isEqualTo(IDLE);
    feed.failReads = false;
    assertThat(loop.step()).isZero();
    assertThat(sender.sent).containsExactly(1L);
  }

  @Test
  void theLagIsTheAgeOfTheOldestEventNotYetDelivered() throws Exception {
    feed.append("RECORDER_DOWN");
    clock.advance(Duration.ofSeconds(30));
    feed.append("ALARM_RAISED");
    clock.advance(Duration.ofSeconds(15));
    sender.failNext(1);
    DeliveryLoop loop = loop(0);
    assertThat(loop.lag()).isZero();

    loop.step();
    assertThat(loop.lag()).isEqualTo(Duration.ofSeconds(45));
    loop.step();
    assertThat(loop.lag()).isEqualTo(Duration.ofSeconds(15));
    loop.step();
    assertThat(loop.lag()).isZero();
  }

  private DeliveryLoop loop(long mark) {
    return new DeliveryLoop(TARGET, "test", mark, feed, sender, new Backoff(seconds(1), seconds(8)), IDLE, clock);
  }

  private static int runUntilIdle(DeliveryLoop loop) throws InterruptedException {
    int steps = 0;
    while (loop.step().isZero()) {
      steps++;
    }
    return steps;
  }

  private static Duration seconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  /** The event log and the stored marks, in memory. */
  private final class Feed implements DeliveryLoop.EventFeed {
    final List<EventView> events = new ArrayList<>();
    final Map<Long, Long> marks = new HashMap<>();
    boolean failReads;
    boolean failMarks;

    void append(String... types) {
      for (String type : types) {
        events.add(new EventView(events.size() + 1, type, clock.instant(), "pair-1", Map.of()));
      }
    }

    @Override
    public List<EventView> eventsAfter(long id, int limit) throws SQLException {
      if (failReads) {
        throw new SQLException("the call database is down", "08006");
      }
      return events.stream().filter(event -> event.id() > id).limit(limit).toList();
    }

    @Override
    public void delivered(long targetId, long eventId) throws SQLException {
      if (failMarks) {
        throw new SQLException("the call database is down", "08006");
      }
      marks.merge(targetId, eventId, Math::max);
    }
  }

  /** A target that takes events, or refuses the next few. */
  private static final class Sender implements EventSender {
    final List<Long> attempted = new ArrayList<>();
    final List<Long> sent = new ArrayList<>();
    private int failures;

    void failNext(int count) {
      failures = count;
    }

    @Override
    public void send(EventView event) throws IOException {
      attempted.add(event.id());
      if (failures > 0) {
        failures--;
        throw new IOException("the webhook answered 503");
      }
      sent.add(event.id());
    }

    @Override
    public void close() {}
  }
}
