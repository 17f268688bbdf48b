package io.tandem.database;

import static io.tandem.database.DatabaseFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.audit.AuditEntry;
import io.tandem.call.Role;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every acting write of the Recorder Redundancy Controller commits only while the controller lease is still the one
 * its Manager took: a Manager that another one took the lease from, while it was paused between deciding and writing,
 * writes nothing at all.
 */
class ControllerLeaseFencingTest {
  private static DatabaseFixture fixture;
  private CallDatabase database;

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
    fixture.registerPair("pair-l", 230_000);
  }

  @Test
  void aFailoverWhoseLeaseIsTakenWhileItWaitsForThePairWritesNothing() throws Exception {
    LeaderFence paused = fixture.takeLease("manager-a");
    FutureTask<Optional<FailoverView>> write =
        new FutureTask<>(() -> database.beginFailover(paused, "pair-l", "FAILOVER", 230_000, 230_001, T0));
    try (Connection other = DriverManager.getConnection(fixture.server.jdbcUrl(), "postgres", "");
        Statement statement = other.createStatement()) {
      // The pair's row held elsewhere: manager-a's failover has decided and waits inside its transaction.
      other.setAutoCommit(false);
      statement.execute("SELECT 1 FROM pairs WHERE name = 'pair-l' FOR UPDATE");
      Thread.ofVirtual().start(write);
      awaitWaitingOnALock();
      fixture.takeLease("manager-b");
      other.commit();
    }

    assertThatThrownBy(() -> write.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(LeaseLostException.class)
        .hasMessage("the RRC lease is at epoch " + (paused.epoch() + 1) + ", held by http://manager-b, not at epoch "
            + paused.epoch() + " by this Manager");
    assertUntouched();
  }

  @Test
  void eachActingWriteUnderALeaseTakenByAnotherManagerWritesNothing() throws Exception {
    LeaderFence paused = fixture.takeLease("manager-a");
    FailoverView open = database.beginFailover(paused, "pair-l", "FAILOVER", 230_000, 230_001, T0).orElseThrow();
    database.alarms().raise(paused, "pair-l", "PRIMARY_DOWN", null, Map.of("serial", "230000"));
    List<EventView> before = database.events();
    long auditRows = fixture.count("audit");

    LeaderFence acting = fixture.takeLease("manager-b");

    assertRefused(() -> database.finishFailover(paused, open.id(), new PromotionTally(1, 0)));
    assertRefused(() -> database.beginFailover(paused, "pair-l", "FAILBACK", 230_001, 230_000, T0.plusSeconds(9)));
    assertRefused(() -> database.appendEvent(paused, "RECORDER_DOWN", "pair-l", Map.of("serial", "230001")));
    assertRefused(() -> database.alarms().raise(paused, "pair-l", "BACKUP_DOWN", null, Map.of()));
    assertRefused(() -> database.alarms().clear(paused, "pair-l", "PRIMARY_DOWN", null));
    assertRefused(() -> database.audit(paused, new AuditEntry("rrc", "failover", "pair pair-l", "", "begun")));

    assertThat(database.events()).isEqualTo(before);
    assertThat(database.openFailovers()).containsExactly(open);
    assertThat(database.epoch("pair-l")).contains(open.epoch());
    assertThat(database.alarms().raised()).extracting(RaisedAlarm::alarm).containsExactly("PRIMARY_DOWN");
    assertThat(fixture.count("audit")).isEqualTo(auditRows);

    assertThat(database.finishFailover(acting, open.id(), new PromotionTally(1, 0)))
        .as("the Manager that holds the lease now finishes what the other began").isPresent();
  }

  @Test
  void aLeaseGivenUpRefusesTheWritesOfItsLastHolder() throws Exception {
    LeaderFence stopped = fixture.takeLease("manager-a");
    assertThat(database.controllerLease().release(stopped.holderId(), stopped.epoch())).isTrue();

    assertThatThrownBy(() -> database.beginFailover(stopped, "pair-l", "FAILOVER", 230_000, 230_001, T0))
        .isInstanceOf(LeaseLostException.class).hasMessageContaining("held by no Manager");
    assertUntouched();
  }

  private void assertUntouched() throws Exception {
    assertThat(database.epoch("pair-l")).contains(1L);
    assertThat(database.pairs().getFirst().recorders()).extracting(RecorderView::role)
        .containsExactly(Role.PRIMARY, Role.SECONDARY);
    assertThat(database.failovers()).isEmpty();
    assertThat(database.events()).isEmpty();
    assertThat(fixture.count("audit")).isZero();
  }

  /** Until some session of the server waits for a lock. */
  private static void awaitWaitingOnALock() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Long.parseLong(fixture.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the failover never waited for the pair's lock");
      }
      Thread.onSpinWait();
    }
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable write) {
    assertThatThrownBy(write).isInstanceOf(LeaseLostException.class);
  }
}
