package io.tandem.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.audit.AuditEntry;
import io.tandem.audit.AuditRow;
import io.tandem.audit.AuditVerdict;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditChainTest {
  private static DatabaseFixture fixture;
  private static CallDatabase database;

  @BeforeAll
  static void start() throws Exception {
    fixture = DatabaseFixture.start();
    database = fixture.database;
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @BeforeEach
  void clear() throws SQLException {
    fixture.clear();
  }

  @Test
  void appendedRowsAreChainedAndVerifyIntact() throws Exception {
    AuditRow first = database.audit(entry(1));
    AuditRow second = database.audit(entry(2));

    assertThat(second.prevHash()).isEqualTo(first.hash());
    assertThat(database.verifyAudit()).isEqualTo(AuditVerdict.intact(2));
    assertThat(database.auditRows(10)).extracting(AuditRow::id).containsExactly(second.id(), first.id());
  }

  @Test
  void aRowChangedInTheDatabaseIsReportedWithItsId() throws Exception {
    List<AuditRow> rows = append(5);

    asSuperuserAround("UPDATE audit SET actor = 'someone-else' WHERE id = " + rows.get(2).id());

    AuditVerdict verdict = database.verifyAudit();
    assertThat(verdict.intact()).isFalse();
    assertThat(verdict.brokenRowId()).isEqualTo(rows.get(2).id());
    assertThat(verdict.problem()).contains("changed after it was written");
  }

  @Test
  void aRowChangedAndHashedAgainIsReportedAtTheRowAfterIt() throws Exception {
    List<AuditRow> rows = append(4);

    asSuperuserAround("UPDATE audit SET hash = repeat('a', 64) WHERE id = " + rows.get(1).id());

    AuditVerdict verdict = database.verifyAudit();
    // Its own hash no longer matches its fields, so that row is the first broken link.
    assertThat(verdict.brokenRowId()).isEqualTo(rows.get(1).id());
  }

  @Test
  void aRowDeletedFromTheMiddleIsReportedAtTheRowAfterIt() throws Exception {
    List<AuditRow> rows = append(5);

    asSuperuserAround("DELETE FROM audit WHERE id = " + rows.get(2).id());

    AuditVerdict verdict = database.verifyAudit();
    assertThat(verdict.brokenRowId()).isEqualTo(rows.get(3).id());
    assertThat(verdict.problem()).contains("rows between " + rows.get(1).id() + " and " + rows.get(3).id()
        + " were deleted");
  }

  @Test
  void rowsCutOffTheEndAreReportedByTheChainHead() throws Exception {
    List<AuditRow> rows = append(3);

    asSuperuserAround("DELETE FROM audit WHERE id = " + rows.get(2).id());

    AuditVerdict verdict = database.verifyAudit();
    assertThat(verdict.brokenRowId()).isEqualTo(rows.get(2).id());
    assertThat(verdict.problem()).contains("rows were deleted after row " + rows.get(1).id());
  }

  @Test
  void concurrentAppendsMakeOneLinearChain() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(6);
    try {
      List<Future<AuditRow>> appended = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        int n = i;
        appended.add(threads.submit(() -> database.audit(entry(n))));
      }
      for (Future<AuditRow> row : appended) {
        row.get();
      }
    } finally {
      threads.shutdown();
    }

    assertThat(database.verifyAudit()).isEqualTo(AuditVerdict.intact(60));
  }

  @Test
  void theApplicationRoleMayAppendAndReadButNotChangeOrDeleteAuditRows() throws Exception {
    AuditRow row = database.audit(entry(1));
    fixture.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_test_app') THEN "
        + "CREATE ROLE tandem_test_app LOGIN PASSWORD 'app-password-for-the-test' IN ROLE tandem_app; END IF; END $$");

    // The server's URL names the superuser, which would win over the user given here.
    String url = fixture.server.jdbcUrl().replace("?user=postgres", "");
    try (Connection app = DriverManager.getConnection(url, "tandem_test_app",
        "app-password-for-the-test"); Statement statement = app.createStatement()) {
      assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit SET actor = 'x' WHERE id = " + row.id()))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit WHERE id = " + row.id()))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> statement.executeUpdate("TRUNCATE audit"))
          .hasMessageContaining("permission denied");
      try (var rows = statement.executeQuery("SELECT count(*) FROM audit")) {
        rows.next();
        assertThat(rows.getLong(1)).isEqualTo(1);
      }
    }
    try (CallDatabase asApp = CallDatabase.connect(new DatabaseConfig(url, "tandem_test_app",
        "app-password-for-the-test", 2))) {
      asApp.audit(entry(2));
      assertThat(asApp.verifyAudit()).isEqualTo(AuditVerdict.intact(2));
    }
  }

  @Test
  void rowsWrittenBeforeTheChainExistedAreChainedByTheMigration() throws Exception {
    String url = fixture.databaseAtVersion("before_chain", "7");
    try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
      s.execute("INSERT INTO audit (at, actor, action, detail, result) VALUES "
          + "('2026-11-26 10:00:00.123456+00', 'ann@desk', 'rebuild', 'Rebuild Fix true true', 'done: añadido 3'), "
          + "('2026-11-26 11:00:00+00', 'api@127.0.0.1', 'reprocess', '2026-11-26', 'done')");
    }
    try (CallDatabase before = CallDatabase.connect(new DatabaseConfig(url, "postgres", "", 2))) {
      before.migrate();
      assertThat(before.verifyAudit()).isEqualTo(AuditVerdict.intact(2));
      before.audit(entry(3));
      assertThat(before.verifyAudit()).isEqualTo(AuditVerdict.intact(3));
    }
  }

  private static List<AuditRow> append(int count) throws SQLException {
    List<AuditRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(database.audit(entry(i)));
    }
    return rows;
  }

  private static AuditEntry entry(int n) {
    return new AuditEntry("user-" + n, "replay", "interaction " + n, "copy 100001000000" + n, "served");
  }

  /** What someone with the superuser's rights can do behind the application's back. */
  private static void asSuperuserAround(String sql) throws SQLException {
    fixture.execute(sql);
  }
}
