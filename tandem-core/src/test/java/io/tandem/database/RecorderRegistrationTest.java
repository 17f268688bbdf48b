package io.tandem.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Position;
import io.tandem.call.Role;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecorderRegistrationTest {
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
  void clear() throws Exception {
    fixture.clear();
    database = fixture.database;
  }

  @Test
  void newMainStartsPrimaryInANewPairAtEpochOne() throws Exception {
    RecorderAssignment assignment = database.register(main(200_000, "pair-b"));

    assertThat(assignment).isEqualTo(new RecorderAssignment(Role.PRIMARY, 1, Duration.ofMinutes(15), true));
  }

  @Test
  void newBackupStartsSecondary() throws Exception {
    database.register(main(200_000, "pair-b"));

    assertThat(database.register(backup(200_001, "pair-b")).role()).isEqualTo(Role.SECONDARY);
  }

  @Test
  void knownRecorderKeepsItsStoredRoleAndEpoch() throws Exception {
    database.register(main(200_000, "pair-b"));
    database.register(backup(200_001, "pair-b"));
    fixture.execute("UPDATE recorders SET role = CASE position WHEN 'MAIN' THEN 'SECONDARY' ELSE 'PRIMARY' END");
    fixture.execute("UPDATE pairs SET epoch = 3");

    RecorderAssignment again = database.register(main(200_000, "pair-b"));

    assertThat(again.role()).isEqualTo(Role.SECONDARY);
    assertThat(again.epoch()).isEqualTo(3);
  }

  @Test
  void registeringAgainIsIdempotentAndUpdatesAddresses() throws Exception {
    database.register(main(200_000, "pair-b"));
    database.register(new RecorderRegistration(200_000, "pair-b", Position.MAIN, "http://127.0.0.1:9999",
        "127.0.0.1:15060"));

    assertThat(database.pairs()).singleElement().satisfies(pair -> {
      assertThat(pair.epoch()).isEqualTo(1);
      assertThat(pair.rollbackWindowSeconds()).isEqualTo(900);
      assertThat(pair.recorders()).singleElement().isEqualTo(new RecorderView("200000", Position.MAIN,
          Role.PRIMARY, "http://127.0.0.1:9999", "127.0.0.1:15060"));
    });
  }

  @Test
  void pairsListTheMainBeforeTheBackup() throws Exception {
    database.register(backup(200_001, "pair-b"));
    database.register(main(200_000, "pair-b"));

    assertThat(database.pairs().getFirst().recorders()).extracting(RecorderView::position)
        .containsExactly(Position.MAIN, Position.BACKUP);
  }

  @Test
  void secondRecorderInTheSamePositionIsRefused() throws Exception {
    database.register(main(200_000, "pair-b"));

    assertThatThrownBy(() -> database.register(main(200_002, "pair-b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already has recorder 200000 as its MAIN");
  }

  @Test
  void serialCannotMoveToAnotherPair() throws Exception {
    database.register(main(200_000, "pair-b"));

    assertThatThrownBy(() -> database.register(main(200_000, "pair-c")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot move to pair 'pair-c'");
  }

  @Test
  void serialCannotChangePosition() throws Exception {
    database.register(main(200_000, "pair-b"));

    assertThatThrownBy(() -> database.register(backup(200_000, "pair-b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot become its BACKUP");
  }

  private static RecorderRegistration main(int serial, String pair) {
    return new RecorderRegistration(serial, pair, Position.MAIN, "http://127.0.0.1:18080", "127.0.0.1:15060");
  }

  private static RecorderRegistration backup(int serial, String pair) {
    return new RecorderRegistration(serial, pair, Position.BACKUP, "http://127.0.0.1:18081", "127.0.0.1:15062");
  }
}
