package io.tandem.redundancy;

import static io.tandem.redundancy.FakeHealth.State.FAILED;
import static io.tandem.redundancy.FakeHealth.State.HEALTHY;
import static io.tandem.redundancy.FakeHealth.State.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.admin.RecorderClients;
import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Position;
import io.tandem.call.Role;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.EventView;
import io.tandem.database.Fence;
import io.tandem.database.RecorderRegistration;
import io.tandem.database.RecorderView;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each alarm of a pair raised and cleared by the RRC, once, as events; across a restart of the controller; and
 * the heartbeat of each pair, on a clock the test moves.
 */
class RedundancyControllerAlarmsTest {
  private static final String PAIR = "pair-r";
  private static final String MAIN = "220000";
  private static final String BACKUP = "220001";
  private static final Duration DAY = Duration.ofHours(24);
  private static final Set<String> PAIR_ALARMS = Set.of("BACKUP_DOWN", "PRIMARY_DOWN", "BOTH_DOWN", "GAP");
  private static final SettableClock CLOCK = new SettableClock(Instant.parse("2026-12-01T08:00:00Z"));

  @TempDir
  static Path directory;
  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private final RecorderClients clients = new RecorderClients(Duration.ofMillis(200));
  private final FakeHealth health = new FakeHealth();
  private final List<RedundancyController> controllers = new ArrayList<>();
  private RedundancyController controller;

  @BeforeAll
  static void startDatabase() throws Exception {
    server = EmbeddedDatabase.start(directory.resolve("database"), 0);
    database = CallDatabase.connect(server.config(4), CLOCK);
    database.migrate();
  }

  @AfterAll
  static void stopDatabase() {
    database.close();
    server.close();
  }

  @BeforeEach
  void registerPair() throws Exception {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE pairs, recorders, interactions, copies, events, failovers, alarms "
          + "RESTART IDENTITY CASCADE");
    }
    // Nothing answers at these addresses: a failover the test causes is begun and never driven further.
    database.register(new RecorderRegistration(Integer.parseInt(MAIN), PAIR, Position.MAIN, "http://127.0.0.1:1",
        "127.0.0.1:5060"));
    database.register(new RecorderRegistration(Integer.parseInt(BACKUP), PAIR, Position.BACKUP,
        "http://127.0.0.1:2", "127.0.0.1:5062"));
    controller = restart();
  }

  @AfterEach
  void stopControllers() {
    controllers.forEach(RedundancyController::close);
    clients.close();
  }

  @Test
  void backupDownIsRaisedOnceAndClearedOnceWhenTheBackupAnswersAgain() throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY);
    controller.tick();
    health.set(BACKUP, FAILED);
    controller.tick();
    controller.tick();
    health.set(BACKUP, HEALTHY);
    controller.tick();
    controller.tick();

    assertThat(transitions()).containsExactly("ALARM_RAISED BACKUP_DOWN", "ALARM_CLEARED BACKUP_DOWN");
    List<EventView> alarms = alarmEvents();
    assertThat(alarms.get(0).details()).containsEntry("serial", BACKUP).containsEntry("position", "BACKUP");
    assertThat(alarms.get(1).details()).containsEntry("serial", BACKUP)
        .containsEntry("raisedEventId", (int) alarms.get(0).id());
    assertThat(types()).containsSubsequence("RECORDER_DOWN", "ALARM_RAISED", "RECORDER_UP", "ALARM_CLEARED");
  }

  @Test
  void primaryDownIsClearedByTheFailoverAndItsRecorderIsThenTheBackupDown() throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY);
    controller.tick();
    health.set(MAIN, FAILED);
    controller.tick();

    assertThat(transitions()).containsExactly("ALARM_RAISED PRIMARY_DOWN");
    assertThat(roleOf(BACKUP)).as("the failover began in the same pass").isEqualTo(Role.PRIMARY);

    controller.tick();
    health.set(MAIN, HEALTHY);
    controller.tick();

    assertThat(transitions()).containsExactly("ALARM_RAISED PRIMARY_DOWN", "ALARM_CLEARED PRIMARY_DOWN",
        "ALARM_RAISED BACKUP_DOWN", "ALARM_CLEARED BACKUP_DOWN");
    assertThat(alarmEvents().get(2).details()).containsEntry("serial", MAIN);
  }

  @Test
  void bothDownTakesThePlaceOfBackupDownAndIsClearedWhenBothAnswer() throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, FAILED);
    controller.tick();
    health.set(MAIN, FAILED);
    controller.tick();
    controller.tick();
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY);
    controller.tick();

    assertThat(transitions()).containsExactly("ALARM_RAISED BACKUP_DOWN", "ALARM_CLEARED BACKUP_DOWN",
        "ALARM_RAISED BOTH_DOWN", "ALARM_CLEARED BOTH_DOWN");
    assertThat(alarmEvents().get(2).details()).containsEntry("serials", List.of(MAIN, BACKUP));
    assertThat(roleOf(MAIN)).as("no failover to a failed recorder").isEqualTo(Role.PRIMARY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DISK_LOW", "BUFFER_HELD_FULL"})
  void anAlarmARecorderListsIsRaisedForItAndClearedWhenItNoLongerListsIt(String alarm) throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY).reports(BACKUP, alarm);
    controller.tick();
    controller.tick();
    health.reports(BACKUP);
    controller.tick();

    assertThat(transitions()).containsExactly("ALARM_RAISED " + alarm + "@" + BACKUP,
        "ALARM_CLEARED " + alarm + "@" + BACKUP);
    assertThat(alarmEvents().getFirst().details()).containsEntry("position", "BACKUP");
  }

  @Test
  void aGapIsRaisedWhileItsCallIsMissingAndClearedOnceTheCallIsMarked() throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY);
    controller.tick();
    database.appendEvent("GAP", PAIR, Map.of("serial", BACKUP, "inum", "220001000000001", "correlationKey", "lost",
        "action", "reported"));
    controller.tick();
    controller.tick();

    assertThat(transitions()).containsExactly("ALARM_RAISED GAP");
    assertThat(alarmEvents().getFirst().details()).containsEntry("missingCalls", 1)
        .containsEntry("correlationKey", "lost").containsEntry("inum", "220001000000001");

    database.mark(new Fence(Integer.parseInt(BACKUP), 1), List.of(call("lost")));
    controller.tick();

    assertThat(transitions()).containsExactly("ALARM_RAISED GAP", "ALARM_CLEARED GAP");
  }

  @Test
  void aGapRepairedBeforeAPassSawItRaisesNothing() throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY);
    controller.tick();
    database.appendEvent("GAP", PAIR, Map.of("serial", BACKUP, "inum", "220001000000002", "correlationKey", "late",
        "action", "promoted"));
    database.mark(new Fence(Integer.parseInt(BACKUP), 1), List.of(call("late")));
    controller.tick();

    assertThat(transitions()).isEmpty();
  }

  @Test
  void aRestartedControllerRepeatsNothingAndClearsWhatEndedMeanwhile() throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, FAILED).reports(MAIN, "DISK_LOW");
    controller.tick();
    List<String> before = types();
    assertThat(transitions()).containsExactlyInAnyOrder("ALARM_RAISED BACKUP_DOWN", "ALARM_RAISED DISK_LOW@" + MAIN);

    controller = restart();
    health.forget().set(BACKUP, UNKNOWN);
    controller.tick();
    assertThat(types()).as("nothing is known yet: every alarm stays").isEqualTo(before);

    health.set(MAIN, HEALTHY).set(BACKUP, FAILED).reports(MAIN, "DISK_LOW");
    controller.tick();
    assertThat(types()).as("the same state as before the restart").isEqualTo(before);

    health.set(BACKUP, HEALTHY).reports(MAIN);
    controller.tick();
    assertThat(transitions()).containsExactlyInAnyOrder("ALARM_RAISED BACKUP_DOWN", "ALARM_RAISED DISK_LOW@" + MAIN,
        "ALARM_CLEARED BACKUP_DOWN", "ALARM_CLEARED DISK_LOW@" + MAIN);
    assertThat(types()).filteredOn(type -> type.startsWith("RECORDER_")).containsExactly("RECORDER_DOWN",
        "RECORDER_UP");
  }

  @Test
  void eachPairBeatsOncePerIntervalAndSaysWhatIsWrong() throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY);
    controller.tick();
    CLOCK.advance(Duration.ofHours(1));
    controller.tick();
    health.set(BACKUP, FAILED);
    CLOCK.advance(DAY.minusHours(1).minusSeconds(1));
    controller.tick();
    assertThat(heartbeats()).hasSize(1);

    CLOCK.advance(Duration.ofSeconds(1));
    controller.tick();

    List<EventView> beats = heartbeats();
    assertThat(beats).hasSize(2);
    assertThat(beats.get(0).details()).containsEntry("healthy", true).containsEntry("alarms", List.of());
    assertThat(beats.get(1).details()).containsEntry("healthy", false).containsEntry("alarms", List.of("BACKUP_DOWN"))
        .containsEntry("intervalSeconds", (int) DAY.toSeconds());
    assertThat(Duration.between(beats.get(0).at(), beats.get(1).at())).isEqualTo(DAY);
  }

  @Test
  void noHeartbeatUntilTheHealthOfBothRecordersIsKnown() throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, UNKNOWN);
    controller.tick();
    assertThat(heartbeats()).isEmpty();

    health.set(BACKUP, HEALTHY);
    controller.tick();
    assertThat(heartbeats()).hasSize(1);
  }

  @Test
  void aRestartedControllerKeepsTheRhythmOfTheHeartbeat() throws Exception {
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY);
    controller.tick();

    controller = restart();
    CLOCK.advance(Duration.ofHours(1));
    controller.tick();
    assertThat(heartbeats()).hasSize(1);

    CLOCK.advance(DAY.minusHours(1));
    controller.tick();
    assertThat(heartbeats()).hasSize(2);
  }

  @Test
  void aStandbyControllerNeitherFailsOverNorAppendsAnythingUntilItActs() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean acting = new java.util.concurrent.atomic.AtomicBoolean();
    RedundancyController standby = restart(acting::get);
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY);
    standby.tick();
    health.set(MAIN, FAILED);
    standby.tick();
    standby.tick();
    assertThat(types()).as("a standby appends no event").isEmpty();
    assertThat(roleOf(MAIN)).as("a standby fails nothing over").isEqualTo(Role.PRIMARY);
    assertThat(database.failovers()).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> standby.failback(PAIR))
        .isInstanceOfSatisfying(FailbackRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(FailbackRefusedException.Reason.NOT_ACTING));

    acting.set(true);
    standby.tick();
    standby.tick();
    assertThat(roleOf(BACKUP)).as("once acting, it fails the pair over").isEqualTo(Role.PRIMARY);
    assertThat(database.failovers()).hasSize(1);
    assertThat(types()).containsOnlyOnce("RECORDER_DOWN");
  }

  private RedundancyController restart() throws Exception {
    return restart(() -> true);
  }

  private RedundancyController restart(java.util.function.BooleanSupplier acting) throws Exception {
    RedundancyController started = new RedundancyController(database, health, clients, Duration.ofHours(1), DAY,
        CLOCK, HeldLease.take(database, acting));
    controllers.add(started);
    return started;
  }

  private static List<String> types() throws Exception {
    return database.events().stream().map(EventView::type).toList();
  }

  private static List<EventView> alarmEvents() throws Exception {
    return database.events().stream().filter(event -> event.type().startsWith("ALARM_")).toList();
  }

  private static List<EventView> heartbeats() throws Exception {
    return database.events().stream().filter(event -> event.type().equals("HEARTBEAT")).toList();
  }

  /** Each alarm event as "TYPE ALARM", with "@serial" for an alarm of one recorder. */
  private static List<String> transitions() throws Exception {
    return alarmEvents().stream().map(event -> {
      String alarm = (String) event.details().get("alarm");
      return event.type() + " " + alarm + (PAIR_ALARMS.contains(alarm) ? "" : "@" + event.details().get("serial"));
    }).toList();
  }

  private static Role roleOf(String serial) throws Exception {
    return database.pairs().getFirst().recorders().stream().filter(r -> r.serial().equals(serial))
        .map(RecorderView::role).findFirst().orElseThrow();
  }

  private static CallRecord call(String key) {
    Instant start = CLOCK.instant().minusSeconds(120);
    return new CallRecord(Inum.of(Integer.parseInt(BACKUP), 1), key, start, start.plusSeconds(60), CallRole.SLAVE,
        CallState.COMPLETE, List.of(), List.of(), new MediaStats(3000, 0, 480_000, 60_000), "media/1.wav");
  }
}
