package io.tandem.database;

import static io.tandem.database.DatabaseFixture.T0;
import static io.tandem.database.DatabaseFixture.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.Role;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailoverStateTest {
  private static DatabaseFixture fixture;
  private CallDatabase database;
  private Fence main;
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
    main = fixture.registerPair("pair-f", 200_000);
    rrc = fixture.takeLease("manager-f");
  }

  @Test
  void beginRaisesEpochSwapsRolesAndOpensOneFailover() throws Exception {
    FailoverView failover = database.beginFailover(rrc, "pair-f", "FAILOVER", 200_000, 200_001, T0).orElseThrow();

    assertThat(failover.epoch()).isEqualTo(2);
    assertThat(failover.open()).isTrue();
    assertThat(failover.windowFrom()).isEqualTo(T0.minus(Duration.ofMinutes(15)));
    PairView pair = database.pairs().getFirst();
    assertThat(pair.epoch()).isEqualTo(2);
    assertThat(pair.recorders()).extracting(RecorderView::role).containsExactly(Role.SECONDARY, Role.PRIMARY);
    assertThat(database.openFailovers()).containsExactly(failover);
  }

  @Test
  void aSecondDecisionOnTheSameFailureChangesNothing() throws Exception {
    database.beginFailover(rrc, "pair-f", "FAILOVER", 200_000, 200_001, T0).orElseThrow();

    assertThat(database.beginFailover(rrc, "pair-f", "FAILOVER", 200_000, 200_001, T0.plusSeconds(1))).isEmpty();
    assertThat(database.pairs().getFirst().epoch()).isEqualTo(2);
    assertThat(database.failovers()).hasSize(1);
  }

  @Test
  void staleMainCannotMarkAfterFailover() throws Exception {
    database.beginFailover(rrc, "pair-f", "FAILOVER", 200_000, 200_001, T0).orElseThrow();

    assertThatThrownBy(() -> database.mark(main, List.of(call(200_000, 1, "conv-1", 1000, CallState.COMPLETE))))
        .isInstanceOf(FencedException.class);
    assertThat(fixture.count("copies")).isZero();
  }

  @Test
  void aMainCutOffInTheMiddleOfMarkingHoldsItsFailoverBackOnlyUntilTheServerEndsItsIdleTransaction()
      throws Exception {
    // A pool as the recorders' is, with a short idle-in-transaction limit; its session goes silent holding the
    // pair's row for share, as a Main's marking does when the network between it and the database is cut.
    try (HikariDataSource cutOff = new HikariDataSource(CallDatabase.poolConfig(fixture.server.config(1),
        Duration.ofSeconds(1)));
        Connection silent = cutOff.getConnection()) {
      silent.setAutoCommit(false);
      MarkingScope.forMarking(silent, main);
      long begun = System.nanoTime();
      Optional<FailoverView> failover = CompletableFuture.supplyAsync(() -> {
        try {
          return database.beginFailover(rrc, "pair-f", "FAILOVER", 200_000, 200_001, T0);
        } catch (SQLException | LeaseLostException e) {
          throw new IllegalStateException(e);
        }
      }).get(30, TimeUnit.SECONDS);

      assertThat(failover).as("the failover, once the silent session is ended").isPresent();
      assertThat(Duration.ofNanos(System.nanoTime() - begun)).as("time the failover waited for the silent session")
          .isGreaterThanOrEqualTo(Duration.ofMillis(900));
      assertThatThrownBy(silent::commit).as("the silent session's transaction").isInstanceOf(SQLException.class);
    }
  }

  @Test
  void finishAppendsTheEventExactlyOnceWithTheDatabaseFigures() throws Exception {
    database.mark(main, List.of(call(200_000, 1, "both", 1000, CallState.COMPLETE)));
    FailoverView failover = database.beginFailover(rrc, "pair-f", "FAILOVER", 200_000, 200_001, T0.plusSeconds(60))
        .orElseThrow();
    Fence backup = new Fence(200_001, failover.epoch());
    database.mark(backup, List.of(call(200_001, 1, "both", 1000, CallState.COMPLETE),
        call(200_001, 2, "only-backup", 1000, CallState.COMPLETE),
        call(200_001, 3, "in-progress-at-detection", 120_000, CallState.COMPLETE)));

    PromotionTally tally = database.promotionTally(failover);
    assertThat(tally).isEqualTo(new PromotionTally(2, 1));
    assertThat(database.finishFailover(rrc, failover.id(), tally)).isPresent();
    assertThat(database.finishFailover(rrc, failover.id(), tally)).isEmpty();

    List<EventView> events = database.events();
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo("FAILOVER");
      assertThat(event.details()).containsEntry("promoted", 2).containsEntry("alreadyPresent", 1)
          .containsEntry("epoch", 2).containsEntry("outcome", "DONE");
    });
    assertThat(database.openFailovers()).isEmpty();
  }

  @Test
  void theFiguresCountTheNewPrimarysCallsLiveInTheWindow() throws Exception {
    Instant detectedAt = T0.plusSeconds(60);
    database.mark(main, List.of(call(200_000, 1, "straddling-both", 1000, CallState.COMPLETE)));
    FailoverView failover = database.beginFailover(rrc, "pair-f", "FAILOVER", 200_000, 200_001, detectedAt)
        .orElseThrow();
    Instant windowFrom = failover.windowFrom();
    Fence backup = new Fence(200_001, failover.epoch());
    database.mark(backup, List.of(
        callBetween(1, "ended-before-window", windowFrom.minusSeconds(600), windowFrom.minusMillis(1)),
        callBetween(2, "ended-at-window-start", windowFrom.minusSeconds(600), windowFrom),
        callBetween(3, "straddling-both", windowFrom.minusSeconds(1800), detectedAt.minusSeconds(2)),
        callBetween(4, "straddling-whole-window", windowFrom.minusSeconds(60), detectedAt.plusSeconds(60)),
        callBetween(5, "started-at-detection", detectedAt, detectedAt.plusSeconds(5))));

    assertThat(database.promotionTally(failover)).isEqualTo(new PromotionTally(2, 1));
  }

  @Test
  void aFailoverCutShortByItsNewPrimaryIsSupersededAndItsRangeCarriedOn() throws Exception {
    FailoverView first = database.beginFailover(rrc, "pair-f", "FAILOVER", 200_000, 200_001, T0).orElseThrow();

    FailoverView second = database.beginFailover(rrc, "pair-f", "FAILOVER", 200_001, 200_000, T0.plusSeconds(600))
        .orElseThrow();

    assertThat(second.epoch()).isEqualTo(3);
    assertThat(second.windowFrom()).isEqualTo(first.windowFrom());
    assertThat(database.openFailovers()).containsExactly(second);
    assertThat(database.events()).singleElement()
        .satisfies(event -> assertThat(event.details()).containsEntry("outcome", "SUPERSEDED"));
  }

  /** A complete call of the Backup (serial 200001) from {@code start} to {@code end}. */
  private static CallRecord callBetween(long sequence, String key, Instant start, Instant end) {
    return new CallRecord(Inum.of(200_001, sequence), key, start, end, CallRole.SLAVE, CallState.COMPLETE,
        List.of(new Participant("p1", "sip:alice@example.com", "Alice")), List.of(),
        new MediaStats(50, 0, 8000, 1000), "media/" + sequence + ".wav");
  }
}
