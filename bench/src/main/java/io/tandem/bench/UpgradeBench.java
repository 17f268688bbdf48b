package io.tandem.bench;

import io.tandem.database.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * The upgrade to interactions and copies partitioned by month (migration V18), against writing the same rows in the
 * first place, in one run on one embedded PostgreSQL: a call database at V17 is filled with INTERACTIONS
 * interactions over three months, each with the Main's and the Backup's copy, its correlation key, search text and
 * names (one INSERT ... SELECT a table, timed: the baseline), then migrated to V18 alone (timed). The row counts and
 * each table's month are checked after it.
 *
 * <p>Run: {@code bench/run upgrade [INTERACTIONS]} (default 1000000).
 */
public final class UpgradeBench {
  private static final String FILL = """
      INSERT INTO pairs (name) VALUES ('bench');
      INSERT INTO interactions (id, correlation_key, start_time, end_time, best_inum, participants, participants_key)
      SELECT g, 'k-' || g, s, s + interval '3 minutes', 900001000000000 + g,
             jsonb_build_array(jsonb_build_object('name', 'Agent ' || (g %% 2000),
                                                  'aor', 'sip:+4420' || g || '@sbc.example.com')),
             'pk' || (g %% 100000)
      FROM generate_series(1, %1$d) g, LATERAL (SELECT timestamptz '2026-09-01' + g * interval '7 seconds' AS s) t;
      SELECT setval('interactions_id_seq', %1$d);
      INSERT INTO interaction_keys SELECT correlation_key, id, start_time FROM interactions;
      INSERT INTO copies (inum, interaction_id, correlation_key, serial, call_role, complete, duration_ms, media_bytes,
                          packets_received, packets_lost, start_time, end_time, marked_epoch, marked_at)
      SELECT v.s::bigint * 1000000000 + i.id, i.id, i.correlation_key, v.s, v.role, true, 180000, 1440000, 9000, 0,
             i.start_time, i.end_time, 1, now()
      FROM interactions i, (VALUES (900001, 'MASTER'), (900002, 'SLAVE')) v(s, role);
      INSERT INTO interaction_search
      SELECT id, participant_names(participants), participant_addresses(participants) FROM interactions;
      INSERT INTO interaction_names SELECT n, start_time, id FROM interactions, unnest(participant_names(participants)) n;
      TRUNCATE search_queue;
      UPDATE interaction_merges SET checked_through = %1$d;
      """;

  private UpgradeBench() {}

  public static void main(String[] args) throws Exception {
    int interactions = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("tandem-upgrade-bench");
    try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0)) {
      String url = postgres.jdbcUrl();
      migrate(url, "17");
      long fillStart = System.nanoTime();
      try (Connection connection = DriverManager.getConnection(url, "postgres", "");
          Statement statement = connection.createStatement()) {
        statement.execute(FILL.formatted(interactions));
      }
      double fill = (System.nanoTime() - fillStart) / 1e9;
      vacuum(url);
      long size = bytes(url);
      long upgradeStart = System.nanoTime();
      migrate(url, "18");
      double upgrade = (System.nanoTime() - upgradeStart) / 1e9;
      try (Connection connection = DriverManager.getConnection(url, "postgres", "");
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("""
              SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM copies),
                     (SELECT count(*) FROM copy_inums), (SELECT count(DISTINCT tableoid) FROM interactions),
                     (SELECT count(*) FROM copies c JOIN interactions i ON i.id = c.interaction_id
                      WHERE c.tableoid::regclass::text <> replace(i.tableoid::regclass::text, 'interactions', 'copies'))
              """)) {
        rows.next();
        if (rows.getLong(1) != interactions || rows.getLong(2) != 2L * interactions
            || rows.getLong(3) != 2L * interactions || rows.getLong(5) != 0) {
          throw new IllegalStateException("the upgrade lost or misplaced rows: " + rows.getLong(1) + " interactions, "
              + rows.getLong(2) + " copies, " + rows.getLong(3) + " INUMs, " + rows.getLong(5) + " copies apart");
        }
        System.out.printf("%d interactions with %d copies in %d months, %.1f MB before the upgrade%n", interactions,
            2L * interactions, rows.getLong(4), size / 1e6);
      }
      System.out.printf("baseline: writing those rows (keys, copies, search text and names) %.1f s%n", fill);
      System.out.printf("upgrade: migration V18 %.1f s, %.2f x the baseline, %.1f MB after%n", upgrade, upgrade / fill,
          bytes(url) / 1e6);
    } finally {
      RebuildBench.deleteTree(dir);
    }
  }

  private static void migrate(String url, String version) {
    Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration").target(version).load()
        .migrate();
  }

  private static void vacuum(String url) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("VACUUM ANALYZE");
    }
  }

  private static long bytes(String url) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT pg_database_size(current_database())")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
