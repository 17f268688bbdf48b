package io.tandem.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.call.Position;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class RecorderChangesTest {
  private static DatabaseFixture fixture;
  private final AtomicInteger changes = new AtomicInteger();

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
  }

  @Test
  void aRecorderRegisteredOrMovedIsToldAndItsBeingSeenIsNot() throws Exception {
    try (RecorderChanges heard = fixture.database.recorderChanges(changes::incrementAndGet).start()) {
      await().atMost(Duration.ofSeconds(10)).until(heard::listening);
      await().atMost(Duration.ofSeconds(2)).until(() -> changes.get() == 1);

      fixture.database.register(registration(200_000, "http://127.0.0.1:9001"));
      await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() == 2);
      fixture.database.register(registration(200_000, "http://127.0.0.1:9002"));
      await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() == 3);

      fixture.execute("UPDATE recorders SET last_seen_at = now(), role = 'SECONDARY'");
      Thread.sleep(1500);
      assertThat(changes.get()).as("a role or a time seen is no change of what is watched").isEqualTo(3);

      fixture.execute("DELETE FROM recorders");
      await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() == 4);
    }
  }

  @Test
  void aConnectionLostIsOpenedAgainAndWhatWasMissedIsToldOnce() throws Exception {
    try (RecorderChanges heard = fixture.database.recorderChanges(changes::incrementAndGet).start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> heard.listening() && changes.get() == 1);

      fixture.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          + "WHERE application_name = 'tandem recorder changes'");

      await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() == 2);
      await().atMost(Duration.ofSeconds(5)).until(heard::listening);
      fixture.database.register(registration(200_000, "http://127.0.0.1:9001"));
      await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() == 3);
    }
  }

  @Test
  void changesCountAsHeardOnlyWhileTheProbesComeBack() throws Exception {
    // Probes sent into another database never reach this session, as behind a pooler that shares server sessions.
    fixture.execute("DROP DATABASE IF EXISTS elsewhere");
    fixture.execute("CREATE DATABASE elsewhere");
    PGSimpleDataSource elsewhere = new PGSimpleDataSource();
    elsewhere.setUrl(fixture.server.jdbcUrl().replace("/postgres?", "/elsewhere?"));
    elsewhere.setUser("postgres");
    // Beside it another listener whose probes do come back, which the deaf one hears too: not its own.
    try (RecorderChanges heard = fixture.database.recorderChanges(() -> { }).start();
        RecorderChanges deaf = new RecorderChanges(fixture.server.config(1), elsewhere, changes::incrementAndGet)
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() == 1 && heard.listening());
      await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(() -> !deaf.listening());
      assertThat(heard.listening()).isTrue();
      assertThat(changes.get()).as("another's probes are no change").isEqualTo(1);
    }
  }

  private static RecorderRegistration registration(int serial, String adminUrl) {
    return new RecorderRegistration(serial, "pair-c", Position.MAIN, adminUrl, "127.0.0.1:5060");
  }
}
