package io.tandem.database;

import static io.tandem.database.DatabaseFixture.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlarmLedgerTest {
  private static DatabaseFixture fixture;
  private CallDatabase database;
  private AlarmLedger alarms;
  private LeaderFence rrc;

  @BeforeAll
  static void startDatabase() throws Exception {
    fixture = DatabaseFixture.start();
  }

  @AfterAll
  static void stopDatabase() {
    fixture.close();
  }

  @BeforeEach
  void registerPair() throws Exception {
    fixture.clear();
    database = fixture.database;
    alarms = database.alarms();
    fixture.registerPair("pair-a", 210_000);
    rrc = fixture.takeLease("manager-a");
  }

  @Test
  void raisingTwiceAppendsOneEvent() throws Exception {
    assertThat(alarms.raise(rrc, "pair-a", "BACKUP_DOWN", null, Map.of("serial", "210001"))).isPresent();
    assertThat(alarms.raise(rrc, "pair-a", "BACKUP_DOWN", null, Map.of("serial", "210001"))).isEmpty();

    assertThat(database.events()).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo("ALARM_RAISED");
      assertThat(event.pair()).isEqualTo("pair-a");
      assertThat(event.details()).containsEntry("alarm", "BACKUP_DOWN").containsEntry("serial", "210001");
    });
    assertThat(alarms.raised()).singleElement().satisfies(alarm -> {
      assertThat(alarm.alarm()).isEqualTo("BACKUP_DOWN");
      assertThat(alarm.serial()).isNull();
      assertThat(alarm.eventId()).isEqualTo(database.events().getFirst().id());
    });
  }

  @Test
  void clearingRepeatsTheDetailsOfTheRaiseOnceAndOnlyWhenRaised() throws Exception {
    assertThat(alarms.clear(rrc, "pair-a", "DISK_LOW", "210000")).isEmpty();
    long raisedId = alarms.raise(rrc, "pair-a", "DISK_LOW", "210000", Map.of("position", "MAIN")).orElseThrow();

    assertThat(alarms.clear(rrc, "pair-a", "DISK_LOW", "210000")).isPresent();
    assertThat(alarms.clear(rrc, "pair-a", "DISK_LOW", "210000")).isEmpty();

    List<EventView> events = database.events();
    assertThat(events).extracting(EventView::type).containsExactly("ALARM_RAISED", "ALARM_CLEARED");
    assertThat(events.get(1).details()).containsEntry("alarm", "DISK_LOW").containsEntry("serial", "210000")
        .containsEntry("position", "MAIN").containsEntry("raisedEventId", (int) raisedId)
        .containsKeys("raisedAt", "raisedSeconds");
    assertThat(alarms.raised()).isEmpty();
  }

  @Test
  void anAlarmOfARecorderIsApartFromTheSameAlarmOfThePairAndOfTheOtherRecorder() throws Exception {
    alarms.raise(rrc, "pair-a", "DISK_LOW", "210000", Map.of());
    alarms.raise(rrc, "pair-a", "DISK_LOW", "210001", Map.of());
    alarms.raise(rrc, "pair-a", "DISK_LOW", null, Map.of());

    assertThat(alarms.raised()).extracting(RaisedAlarm::serial).containsExactlyInAnyOrder("210000", "210001", null);
  }

  @Test
  void aGapIsOpenUntilItsConversationReachesTheCallDatabase() throws Exception {
    long first = database.appendEvent("GAP", "pair-a", Map.of("serial", "210001", "inum", "210001000000001",
        "correlationKey", "lost-1"));
    database.appendEvent("GAP", "pair-a", Map.of("serial", "210001", "inum", "210001000000002",
        "correlationKey", "lost-2"));
    long last = database.appendEvent("RECORDER_UP", "pair-a", Map.of("serial", "210000"));

    OpenGaps open = alarms.openGaps(0);
    assertThat(open.missing()).extracting(EventView::id).containsExactly(first, first + 1);
    assertThat(open.lastSeenEventId()).isEqualTo(last);

    database.mark(new Fence(210_001, 1), List.of(call(210_001, 1, "lost-1", 1000, CallState.COMPLETE)));
    assertThat(alarms.openGaps(0).missing()).extracting(e -> e.details().get("correlationKey"))
        .containsExactly("lost-2");
    assertThat(alarms.openGaps(first).missing()).extracting(e -> e.details().get("correlationKey"))
        .containsExactly("lost-2");
    assertThat(alarms.openGaps(last).missing()).isEmpty();
  }

  @Test
  void anAppendWaitsForAnEarlierOneStillUncommittedSoIdsBecomeVisibleInOrder() throws Exception {
    long earlier;
    CompletableFuture<Long> later;
    try (Connection open = DriverManager.getConnection(fixture.server.jdbcUrl(), "postgres", "")) {
      open.setAutoCommit(false);
      earlier = EventLog.append(open, Clock.systemUTC(), "RECORDER_DOWN", "pair-a", Map.of("serial", "210000"));
      later = CompletableFuture.supplyAsync(() -> {
        try {
          return database.appendEvent("GAP", "pair-a", Map.of("correlationKey", "k"));
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      // Without the ordering lock the later append would commit at once, and a reader could see it alone.
      assertThatThrownBy(() -> later.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
      assertThat(database.eventsAfter(0, 10)).isEmpty();
      open.commit();
    }
    assertThat(later.get(10, TimeUnit.SECONDS)).isGreaterThan(earlier);
    assertThat(database.eventsAfter(0, 10)).extracting(EventView::id).containsExactly(earlier, later.get());
  }
}
