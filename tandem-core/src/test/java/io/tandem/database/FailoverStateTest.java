package io.tandem.database;

import static io.tandem.database.DatabaseFixture.T0;
import static io.tandem.database.DatabaseFixture.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallState;
import io.tandem.call.Role;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailoverStateTest {
  private static DatabaseFixture fixture;
  private CallDatabase database;
  private Fence main;

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
  }

  @Test
  void beginRaisesEpochSwapsRolesAndOpensOneFailover() throws Exception {
    FailoverView failover = database.beginFailover("pair-f", "FAILOVER", 200_000, 200_001, T0).orElseThrow();

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
    database.beginFailover("pair-f", "FAILOVER", 200_000, 200_001, T0).orElseThrow();

    assertThat(database.beginFailover("pair-f", "FAILOVER", 200_000, 200_001, T0.plusSeconds(1))).isEmpty();
    assertThat(database.pairs().getFirst().epoch()).isEqualTo(2);
    assertThat(database.failovers()).hasSize(1);
  }

  @Test
  void staleMainCannotMarkAfterFailover() throws Exception {
    database.beginFailover("pair-f", "FAILOVER", 200_000, 200_001, T0).orElseThrow();

    assertThatThrownBy(() -> database.mark(main, List.of(call(200_000, 1, "conv-1", 1000, CallState.COMPLETE))))
        .isInstanceOf(FencedException.class);
    assertThat(fixture.count("copies")).isZero();
  }

  @Test
  void finishAppendsTheEventExactlyOnceWithTheDatabaseFigures() throws Exception {
    database.mark(main, List.of(call(200_000, 1, "both", 1000, CallState.COMPLETE)));
    FailoverView failover = database.beginFailover("pair-f", "FAILOVER", 200_000, 200_001, T0.plusSeconds(60))
        .orElseThrow();
    Fence backup = new Fence(200_001, failover.epoch());
    database.mark(backup, List.of(call(200_001, 1, "both", 1000, CallState.COMPLETE),
        call(200_001, 2, "only-backup", 1000, CallState.COMPLETE),
        call(200_001, 3, "in-progress-at-detection", 120_000, CallState.COMPLETE)));

    PromotionTally tally = database.promotionTally(failover);
    assertThat(tally).isEqualTo(new PromotionTally(1, 1));
    assertThat(database.finishFailover(failover.id(), tally)).isPresent();
    assertThat(database.finishFailover(failover.id(), tally)).isEmpty();

    List<EventView> events = database.events();
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo("FAILOVER");
      assertThat(event.details()).containsEntry("promoted", 1).containsEntry("alreadyPresent", 1)
          .containsEntry("epoch", 2).containsEntry("outcome", "DONE");
    });
    assertThat(database.openFailovers()).isEmpty();
  }

  @Test
  void aFailoverCutShortByItsNewPrimaryIsSupersededAndItsRangeCarriedOn() throws Exception {
    FailoverView first = database.beginFailover("pair-f", "FAILOVER", 200_000, 200_001, T0).orElseThrow();

    FailoverView second = database.beginFailover("pair-f", "FAILOVER", 200_001, 200_000, T0.plusSeconds(600))
        .orElseThrow();

    assertThat(second.epoch()).isEqualTo(3);
    assertThat(second.windowFrom()).isEqualTo(first.windowFrom());
    assertThat(database.openFailovers()).containsExactly(second);
    assertThat(database.events()).singleElement()
        .satisfies(event -> assertThat(event.details()).containsEntry("outcome", "SUPERSEDED"));
  }
}
