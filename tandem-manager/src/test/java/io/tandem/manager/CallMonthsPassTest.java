package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.admin.RecorderClients;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.CallMonths;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.RecorderRegistration;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Manager's round of the call database's months: the months ahead are made, and a month past the retention is
 * dropped only once no job running on a recorder may mark its calls: a reprocess of a range that meets it, a Rebuild.
 */
class CallMonthsPassTest {
  private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
  private static final Instant JANUARY_2025 = Instant.parse("2025-01-10T09:00:00Z");

  @TempDir
  static Path files;
  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private static FakeRecorder recorder;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeAll
  static void startDatabase() throws Exception {
    server = EmbeddedDatabase.start(files.resolve("database"), 0);
    database = CallDatabase.connect(server.config(4), Clock.fixed(NOW, ZoneOffset.UTC));
    database.migrate();
    recorder = new FakeRecorder(new byte[0]);
    database.register(new RecorderRegistration(520_000, "pair-m", Position.MAIN, recorder.adminUrl(),
        "127.0.0.1:1"));
  }

  @AfterAll
  static void stopDatabase() {
    recorder.close();
    database.close();
    server.close();
  }

  @Test
  void aMonthPastTheRetentionIsKeptWhileAReprocessOfItsCallsRunsAndDroppedOnceItEnded() throws Exception {
    try (CallDatabase then = CallDatabase.connect(server.config(2), Clock.fixed(JANUARY_2025, ZoneOffset.UTC))) {
      then.months().makeAhead(0);
    }
    execute("""
        INSERT INTO interactions (id, correlation_key, start_time, end_time)
        VALUES ((call_month('2025-01-10T09:00:00Z')::bigint << 40) | 1, 'old-1', '2025-01-10T09:00:00Z',
                '2025-01-10T09:05:00Z')""");
    try (RecorderClients clients = new RecorderClients(Duration.ofSeconds(2))) {
      ForwardedJobs jobs = new ForwardedJobs(database::pairs, clients);
      CallMonthsPass pass = new CallMonthsPass(database, new CallRetention(Duration.ofDays(365), 2),
          jobs::pendingMarking, () -> true, Clock.fixed(NOW, ZoneOffset.UTC), registry);
      jobs.start("520000", JANUARY_2025.minusSeconds(3600), JANUARY_2025.plusSeconds(3600), "ann");

      pass.round();
      boolean keptWhileRunning = tableExists("interactions_2025_01");
      double keptMonths = registry.get("tandem.call.months.kept").gauge().value();
      assertThat(pass.lastRound().kept()).containsValue("reprocess job-1 of recorder 520000 (Reprocess "
          + "2025-01-10T08:00:00Z 2025-01-10T10:00:00Z) is running and may mark calls of these months");
      recorder.jobs.put("job-1", "{\"id\":\"job-1\",\"state\":\"DONE\",\"progress\":{},\"summary\":\"done\"}");
      // One started on the recorder's own admin API, of calls of another year, keeps nothing; a Rebuild keeps every
      // month, for its calls may start in any.
      recorder.jobs.put("job-2", "{\"id\":\"job-2\",\"kind\":\"REPROCESS\",\"state\":\"RUNNING\","
          + "\"command\":\"Reprocess 2026-06-01T00:00:00Z 2026-06-02T00:00:00Z\","
          + "\"callsFrom\":\"2026-06-01T00:00:00Z\",\"callsTo\":\"2026-06-02T00:00:00Z\"}");
      recorder.jobs.put("job-3", "{\"id\":\"job-3\",\"kind\":\"REBUILD\",\"state\":\"RUNNING\","
          + "\"command\":\"Rebuild Fix\"}");
      pass.round();
      boolean keptWhileRebuilding = tableExists("interactions_2025_01");
      assertThat(pass.lastRound().kept()).containsValue("rebuild job-3 of recorder 520000 (Rebuild Fix) is running "
          + "and may mark calls of these months");
      recorder.jobs.put("job-3", "{\"id\":\"job-3\",\"kind\":\"REBUILD\",\"state\":\"DONE\"}");
      pass.round();

      assertThat(keptWhileRunning).isTrue();
      assertThat(keptMonths).isEqualTo(1);
      assertThat(keptWhileRebuilding).isTrue();
      assertThat(registry.get("tandem.call.months.kept").gauge().value()).isEqualTo(0);
      assertThat(registry.get("tandem.call.months.dropped").counter().count()).isEqualTo(1);
      assertThat(registry.get("tandem.call.months").gauge().value())
          .isEqualTo(database.months().months().size());
      assertThat(tableExists("interactions_2025_01")).isFalse();
      assertThat(database.months().months()).extracting(CallMonths.Month::name)
          .contains("2026-12", "2027-01", "2027-02").doesNotContain("2025-01");
    }
  }

  private static boolean tableExists(String name) throws Exception {
    return text("SELECT to_regclass('" + name + "')") != null;
  }

  private static void execute(String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String text(String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
