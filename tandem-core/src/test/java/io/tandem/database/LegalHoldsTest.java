package io.tandem.database;

import static io.tandem.database.DatabaseFixture.T0;
import static io.tandem.database.DatabaseFixture.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LegalHoldsTest {
  private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-11-08T00:00:00Z");
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
  void registerPairs() throws Exception {
    fixture.clear();
    database = fixture.database;
    fixture.registerPair("pair-a", 220_000);
    fixture.registerPair("pair-b", 230_000);
  }

  @Test
  void aHoldIsStoredForItsPairOnlyAndAudited() throws Exception {
    LegalHold hold = database.addLegalHold("pair-a", FROM, TO, "case 2026-17", "manager@127.0.0.1").orElseThrow();

    assertThat(database.legalHolds("pair-a")).singleElement().satisfies(stored -> {
      assertThat(stored).isEqualTo(hold);
      assertThat(stored.from()).isEqualTo(FROM);
      assertThat(stored.to()).isEqualTo(TO);
      assertThat(stored.reason()).isEqualTo("case 2026-17");
      assertThat(stored.createdBy()).isEqualTo("manager@127.0.0.1");
    });
    assertThat(database.legalHolds("pair-b")).isEmpty();
    assertThat(fixture.count("audit")).isEqualTo(1);
    assertThat(fixture.text("SELECT action || ' | ' || actor || ' | ' || detail FROM audit"))
        .isEqualTo("legal-hold-add | manager@127.0.0.1 | hold " + hold.id() + " of pair pair-a on calls starting in ["
            + FROM + ", " + TO + "): case 2026-17");
  }

  @Test
  void aHoldOfAnUnknownPairChangesNothing() throws Exception {
    assertThat(database.addLegalHold("pair-z", FROM, TO, "case", "manager")).isEmpty();

    assertThat(fixture.count("legal_holds")).isZero();
    assertThat(fixture.count("audit")).isZero();
  }

  @Test
  void aHoldEndingBeforeItStartsIsRefused() throws Exception {
    assertThatThrownBy(() -> database.addLegalHold("pair-a", TO, FROM, "case", "manager"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be before");
    assertThat(fixture.count("legal_holds")).isZero();
  }

  @Test
  void removingAHoldDeletesItAndAuditsWhatItWas() throws Exception {
    LegalHold hold = database.addLegalHold("pair-a", FROM, TO, "case", "alice").orElseThrow();

    assertThat(database.removeLegalHold("pair-b", hold.id(), "bob")).isEmpty();
    assertThat(database.removeLegalHold("pair-a", hold.id(), "bob")).contains(hold);
    assertThat(database.removeLegalHold("pair-a", hold.id(), "bob")).isEmpty();

    assertThat(database.legalHolds("pair-a")).isEmpty();
    assertThat(fixture.text("SELECT string_agg(action || ' by ' || actor, ', ' ORDER BY id) FROM audit"))
        .isEqualTo("legal-hold-add by alice, legal-hold-remove by bob");
  }

  @Test
  void onlyCopiesInTheCallDatabaseAreLinked() throws Exception {
    Fence fence = new Fence(220_000, 1);
    CallRecord marked = call(220_000, 1, "k1", 1_000, CallState.COMPLETE);
    database.mark(fence, List.of(marked));

    assertThat(database.linked(new long[] {marked.inum().value(), marked.inum().value() + 1}))
        .containsExactly(marked.inum().value());
    assertThat(database.linked(new long[0])).isEmpty();
  }

  @Test
  void aHoldCoversCallsStartingFromItsFromUpToButNotAtItsTo() {
    LegalHold hold = new LegalHold(1, "p", T0, T0.plus(Duration.ofHours(1)), "r", T0, "a");

    assertThat(hold.covers(T0)).isTrue();
    assertThat(hold.covers(T0.plus(Duration.ofMinutes(59)))).isTrue();
    assertThat(hold.covers(T0.plus(Duration.ofHours(1)))).isFalse();
    assertThat(hold.covers(T0.minusMillis(1))).isFalse();
  }
}
