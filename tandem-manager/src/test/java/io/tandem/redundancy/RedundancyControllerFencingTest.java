package io.tandem.redundancy;

import static io.tandem.redundancy.FakeHealth.State.FAILED;
import static io.tandem.redundancy.FakeHealth.State.HEALTHY;
import static io.tandem.redundancy.FakeHealth.State.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.admin.RecorderClients;
import io.tandem.call.Position;
import io.tandem.call.Role;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.EventView;
import io.tandem.database.RecorderRegistration;
import io.tandem.database.RecorderView;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Managers' leaderships on one call database, each on a monotonic clock of its own that the test moves: the
 * acting one decides to act, is paused before it writes while the other takes the lease, and then writes nothing at
 * all, stops acting at once, and the one that took over acts exactly once.
 */
class RedundancyControllerFencingTest {
  private static final String PAIR = "pair-x";
  private static final String MAIN = "240000";
  private static final String BACKUP = "240001";
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final SettableClock CLOCK = new SettableClock(Instant.parse("2026-12-03T08:00:00Z"));

  @TempDir
  static Path directory;
  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private final RecorderClients clients = new RecorderClients(Duration.ofMillis(200));
  private final FakeHealth health = new FakeHealth();
  private final AtomicLong nanosA = new AtomicLong();
  private final AtomicLong nanosB = new AtomicLong();
  private Leadership managerA;
  private Leadership managerB;

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
  void registerPairAndFreeTheLease() throws Exception {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE pairs, recorders, interactions, copies, events, failovers, alarms, audit "
          + "RESTART IDENTITY CASCADE");
      statement.execute("UPDATE audit_chain SET last_id = 0, hash = repeat('0', 64), row_count = 0");
      statement.execute("UPDATE controller_lease SET holder_id = NULL, holder_url = NULL, renewals = renewals + 1");
    }
    // Nothing answers at these addresses: a failover begun is never driven further.
    database.register(new RecorderRegistration(Integer.parseInt(MAIN), PAIR, Position.MAIN, "http://127.0.0.1:1",
        "127.0.0.1:5060"));
    database.register(new RecorderRegistration(Integer.parseInt(BACKUP), PAIR, Position.BACKUP,
        "http://127.0.0.1:2", "127.0.0.1:5062"));
    managerA = new Leadership(Leadership.storeOf(database.controllerLease()), () -> "http://manager-a", LEASE,
        nanosA::get);
    managerB = new Leadership(Leadership.storeOf(database.controllerLease()), () -> "http://manager-b", LEASE,
        nanosB::get);
    managerA.step();
    managerB.step();
    assertThat(managerA.acting()).isTrue();
    assertThat(managerB.acting()).isFalse();
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  @Test
  void aFailoverDecidedBeforeAnotherManagerTookTheLeaseWritesNothingAndTheOtherFailsOverOnce() throws Exception {
    AtomicBoolean pauseNow = new AtomicBoolean();
    RedundancyController pausedController = controller(managerA, pausedBeforeItsWrites(pauseNow));
    health.set(MAIN, FAILED).set(BACKUP, UNKNOWN);
    pausedController.tick();
    List<String> written = types();
    assertThat(written).as("the acting Manager writes while it holds the lease")
        .containsExactly("RECORDER_DOWN", "ALARM_RAISED");

    health.set(BACKUP, HEALTHY);
    pauseNow.set(true);
    pausedController.tick();

    assertThat(managerB.acting()).as("the other Manager took the lease during the pause").isTrue();
    assertThat(types()).as("no event more").isEqualTo(written);
    assertThat(database.failovers()).isEmpty();
    assertThat(database.epoch(PAIR)).contains(1L);
    assertThat(roleOf(MAIN)).isEqualTo(Role.PRIMARY);
    assertThat(database.auditRows(10)).isEmpty();
    assertThat(managerA.acting()).as("a refused write ends acting at once, not at the lease's end").isFalse();
    assertThat(managerA.fence()).isEmpty();
    assertThat(managerA.leaderUrl()).as("it names the holder the refusal saw").contains("http://manager-b");

    RedundancyController takenOver = controller(managerB, health);
    takenOver.tick();
    pausedController.tick();
    takenOver.tick();

    assertThat(database.failovers()).singleElement()
        .satisfies(failover -> assertThat(failover.epoch()).isEqualTo(2));
    assertThat(roleOf(BACKUP)).isEqualTo(Role.PRIMARY);
    assertThat(types()).containsOnlyOnce("RECORDER_DOWN");
    assertThat(database.auditRows(10)).singleElement()
        .satisfies(row -> assertThat(row.detail()).isEqualTo("from " + MAIN + " to " + BACKUP + " at epoch 2"));
    takenOver.close();
    pausedController.close();
  }

  @Test
  void aFailbackDecidedBeforeAnotherManagerTookTheLeaseIsRefusedAsNotActing() throws Exception {
    database.updatePairPolicy(PAIR, null, "manual", null, null);
    health.set(MAIN, HEALTHY).set(BACKUP, HEALTHY);
    AtomicBoolean pauseNow = new AtomicBoolean(true);
    RedundancyController pausedController = controller(managerA, pausedBeforeItsWrites(pauseNow));

    assertThatThrownBy(() -> pausedController.failback(PAIR)).isInstanceOfSatisfying(FailbackRefusedException.class,
        e -> assertThat(e.reason()).isEqualTo(FailbackRefusedException.Reason.NOT_ACTING));

    assertThat(database.failovers()).isEmpty();
    assertThat(database.epoch(PAIR)).contains(1L);
    assertThat(managerA.acting()).isFalse();
    pausedController.close();
  }

  private RedundancyController controller(Leadership leadership, HealthView view) {
    return new RedundancyController(database, view, clients, Duration.ofHours(1), Duration.ofDays(1), CLOCK,
        leadership);
  }

  /**
   * The health the acting Manager's controller sees; once {@code pauseNow}, the first question about the Backup's
   * health (asked after the controller decided to act, before its first write of the pass) pauses that Manager
   * long enough for manager B to see the lease unrenewed for a whole lease, and take it.
   */
  private HealthView pausedBeforeItsWrites(AtomicBoolean pauseNow) {
    return new HealthView() {
      @Override
      public boolean healthy(String serial) {
        if (serial.equals(BACKUP) && pauseNow.compareAndSet(true, false)) {
          nanosB.addAndGet(LEASE.toNanos() + 1);
          managerB.step();
        }
        return health.healthy(serial);
      }

      @Override
      public boolean failed(String serial) {
        return health.failed(serial);
      }

      @Override
      public Optional<List<String>> reportedAlarms(String serial) {
        return health.reportedAlarms(serial);
      }
    };
  }

  private static List<String> types() throws Exception {
    return database.events().stream().map(EventView::type).toList();
  }

  private static Role roleOf(String serial) throws Exception {
    return database.pairs().getFirst().recorders().stream().filter(r -> r.serial().equals(serial))
        .map(RecorderView::role).findFirst().orElseThrow();
  }
}
