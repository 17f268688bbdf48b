package io.tandem.database;

import static io.tandem.database.DatabaseFixture.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.audit.AuditEntry;
import io.tandem.audit.AuditVerdict;
import io.tandem.call.CallState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The statement timeout of the pool's sessions: a statement that runs or waits past it is cancelled with an error
 * that says so, and long work (marking, the audit walk, migrations) waits for the lock it needs however long.
 */
class CallDatabaseStatementTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  /** How long long work is seen waiting for a lock before the lock is let go: many times the timeout. */
  private static final Duration WAITED = TIMEOUT.multipliedBy(4);

  private static DatabaseFixture fixture;
  private CallDatabase timed;
  private Connection holder;

  @BeforeAll
  static void startDatabase() throws Exception {
    fixture = DatabaseFixture.start();
  }

  @AfterAll
  static void stopDatabase() {
    fixture.close();
  }

  @BeforeEach
  void connect() throws Exception {
    fixture.clear();
    timed = CallDatabase.connect(fixture.server.config(4).withStatementTimeout(TIMEOUT));
    holder = DriverManager.getConnection(fixture.server.jdbcUrl(), "postgres", "");
    holder.setAutoCommit(false);
  }

  @AfterEach
  void close() throws SQLException {
    holder.rollback();
    holder.close();
    timed.close();
  }

  @Test
  void everySessionOfThePoolHasTheConfiguredStatementTimeout() throws Exception {
    assertThat(setting(fixture.server.config(2).withStatementTimeout(Duration.ofMillis(1500)))).isEqualTo("1500ms");
    assertThat(setting(fixture.server.config(2))).isEqualTo("5min");
    assertThat(setting(fixture.server.config(2).withStatementTimeout(Duration.ZERO))).isEqualTo("0");
  }

  @Test
  void aStatementRunningPastTheTimeoutIsCancelledWithAnErrorThatSaysSo() throws Exception {
    try (HikariDataSource pool = new HikariDataSource(CallDatabase.poolConfig(fixture.server.config(1)
        .withStatementTimeout(TIMEOUT), CallDatabase.IDLE_IN_TRANSACTION_TIMEOUT));
        Connection session = pool.getConnection(); Statement statement = session.createStatement()) {
      long begun = System.nanoTime();

      assertThatThrownBy(() -> statement.execute("SELECT pg_sleep(20)"))
          .isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("57014");
            assertThat(DatabaseErrors.isStatementTimeout(e)).isTrue();
            assertThat(DatabaseErrors.isRetryable(e)).as("retried as a busy database is").isTrue();
          });
      assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aQueryWaitingForALockPastTheTimeoutIsCancelled() throws Exception {
    lock("LOCK TABLE interactions IN ACCESS EXCLUSIVE MODE");

    assertThatThrownBy(() -> timed.interactionCount())
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(DatabaseErrors.isStatementTimeout(e)).isTrue());
    assertThat(DatabaseErrors.statementTimeoutMessage(timed.statementTimeout()))
        .isEqualTo("the call database took longer than database.statementTimeout (300ms) and cancelled the statement");
    assertThat(DatabaseErrors.statementTimeoutMessage(DatabaseConfig.DEFAULT_STATEMENT_TIMEOUT)).contains("(5m)");
  }

  @Test
  void markingWaitsForItsPairPastTheTimeout() throws Exception {
    Fence main = fixture.registerPair("pair-t", 300_000);
    lock("SELECT 1 FROM pairs WHERE name = 'pair-t' FOR UPDATE");

    CompletableFuture<MarkResult> marking = whileLocked(
        () -> timed.mark(main, List.of(call(300_000, 1, "conv-t", 1000, CallState.COMPLETE))));

    assertThat(marking.get(30, TimeUnit.SECONDS).marked()).isEqualTo(1);
    assertThat(fixture.count("copies")).isEqualTo(1);
  }

  @Test
  void theAuditWalkWaitsForTheAuditPastTheTimeout() throws Exception {
    for (int i = 0; i < 3; i++) {
      fixture.database.audit(new AuditEntry("admin", "TEST", "row " + i, "", "OK"));
    }
    lock("LOCK TABLE audit IN ACCESS EXCLUSIVE MODE");

    CompletableFuture<AuditVerdict> verdict = whileLocked(timed::verifyAudit);

    assertThat(verdict.get(30, TimeUnit.SECONDS)).isEqualTo(AuditVerdict.intact(3));
  }

  @Test
  void searchIndexingWaitsForTheNamesPastTheTimeout() throws Exception {
    Fence main = fixture.registerPair("pair-t", 300_000);
    fixture.database.mark(main, List.of(call(300_000, 1, "conv-t", 1000, CallState.COMPLETE)));
    lock("LOCK TABLE known_names IN ACCESS EXCLUSIVE MODE");

    CompletableFuture<Integer> indexed = whileLocked(() -> timed.indexForSearch(10));

    assertThat(indexed.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(fixture.count("search_queue")).isZero();
  }

  @Test
  void migrationsWaitForTheirHistoryPastTheTimeout() throws Exception {
    lock("LOCK TABLE flyway_schema_history IN ACCESS EXCLUSIVE MODE");

    CompletableFuture<Void> migrated = whileLocked(() -> {
      timed.migrate();
      return null;
    });

    migrated.get(60, TimeUnit.SECONDS);
    lock("LOCK TABLE interactions IN ACCESS EXCLUSIVE MODE");
    assertThatThrownBy(() -> timed.interactionCount()).as("a query of the pool after migrating")
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(DatabaseErrors.isStatementTimeout(e)).isTrue());
  }

  private void lock(String sql) throws SQLException {
    try (Statement statement = holder.createStatement()) {
      statement.execute(sql);
    }
  }

  /**
   * Runs {@code work} while the holder's lock stands, until a session has waited for a lock {@link #WAITED} (far
   * past the timeout) and the work is still running, then lets the lock go; the work's result, or its failure.
   */
  private <T> CompletableFuture<T> whileLocked(Callable<T> work) throws SQLException {
    CompletableFuture<T> result = CompletableFuture.supplyAsync(() -> {
      try {
        return work.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> result.isDone() || waitedForALock());
    assertThat(result).as("the work, while the lock stands: it waits, neither done nor cancelled").isNotDone();
    holder.rollback();
    return result;
  }

  private static boolean waitedForALock() throws SQLException {
    try (Connection connection = DriverManager.getConnection(fixture.server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
            + "'Lock' AND clock_timestamp() - query_start > interval '" + WAITED.toMillis() + " milliseconds'")) {
      rows.next();
      return rows.getLong(1) > 0;
    }
  }

  private static String setting(DatabaseConfig config) throws SQLException {
    try (HikariDataSource pool = new HikariDataSource(CallDatabase.poolConfig(config,
        CallDatabase.IDLE_IN_TRANSACTION_TIMEOUT));
        Connection session = pool.getConnection(); Statement statement = session.createStatement();
        ResultSet rows = statement.executeQuery("SHOW statement_timeout")) {
      rows.next();
      return rows.getString(1);
    }
  }
}
