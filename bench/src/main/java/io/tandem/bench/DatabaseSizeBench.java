package io.tandem.bench;

import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.Fence;
import io.tandem.database.LinkResult;
import io.tandem.database.MarkResult;
import io.tandem.database.RecorderAssignment;
import io.tandem.database.RecorderRegistration;
import io.tandem.gapaudit.GapAudit;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;

/**
 * Bytes the call database keeps per interaction, with the Main's copy marked and the Backup's copy linked (two
 * copies, as every recorded conversation has; a share of the Backup's copies under a session id of their own,
 * found by participants and start, each of which leaves a tombstone: its key in {@code interaction_keys}, naming
 * the interaction), its search text written
 * and every index of the schema, against the bytes of the same number of bare copy-shaped rows (two per
 * interaction, no index) COPYed into a table of their own, in one run on one embedded PostgreSQL. Sizes are
 * {@code pg_total_relation_size} (heap, TOAST and indexes) of every table of the schema, read after a
 * {@code VACUUM (ANALYZE)} (what a running database holds, dead row versions made reusable but not given back) and
 * again after a {@code VACUUM FULL} (the rows packed tight).
 *
 * <p>Run: {@code bench/run db-size [INTERACTIONS] [OWN_KEY_SHARE]} (defaults 100000; 0: every Backup copy under the
 * Main's session id, as when the SBC forks one INVITE; 1: each recorder its own). Prints each table's share and the
 * totals.
 */
public final class DatabaseSizeBench {
  /** The serials of the calls {@link MarkingBench} makes. */
  private static final int MAIN = MarkingBench.SERIAL;
  private static final int BACKUP = MarkingBench.BACKUP;
  private static final int MARKING_BATCH = 5_000;

  public static void main(String[] args) throws Exception {
    int interactions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    double ownKeyShare = args.length > 1 ? Double.parseDouble(args[1]) : 0;
    if (interactions < 2 || !(ownKeyShare >= 0 && ownKeyShare <= 1)) {
      throw new IllegalArgumentException("INTERACTIONS must be at least 2 and OWN_KEY_SHARE from 0 to 1, got "
          + interactions + " and " + ownKeyShare);
    }
    Path dir = Files.createTempDirectory("tandem-db-size-bench");
    try {
      run(dir, interactions, (int) Math.round(interactions * (1 - ownKeyShare)));
    } finally {
      RebuildBench.deleteTree(dir);
    }
  }

  /** The Backup's copies of the first {@code sharedKeys} conversations share the Main's key, the others not. */
  private static void run(Path dir, int interactions, int sharedKeys) throws Exception {
    try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0);
        CallDatabase database = CallDatabase.connect(postgres.config(4))) {
      database.migrate();
      RecorderAssignment assignment = database.register(new RecorderRegistration(MAIN, "bench", Position.MAIN,
          "http://127.0.0.1:1", "127.0.0.1:2"));
      database.register(new RecorderRegistration(BACKUP, "bench", Position.BACKUP, "http://127.0.0.1:3",
          "127.0.0.1:4"));
      List<CallRecord> mainCalls = MarkingBench.mainCalls(1, interactions, "size", 0);
      mark(database, new Fence(MAIN, assignment.epoch()), mainCalls);
      Fence backup = new Fence(BACKUP, assignment.epoch());
      link(database, backup, MarkingBench.backupCopies(mainCalls, 0, sharedKeys, true));
      link(database, backup, MarkingBench.backupCopies(mainCalls, sharedKeys, interactions, false));
      while (database.indexForSearch(1_000) > 0) {
        // Until the search text of every interaction is written, as the Manager's pass does.
      }
      try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
          Statement statement = connection.createStatement()) {
        check(statement, "SELECT count(*) FROM interactions WHERE merged_into IS NULL", interactions);
        check(statement, "SELECT count(*) FROM interactions WHERE merged_into IS NOT NULL", 0);
        check(statement, "SELECT count(*) FROM interaction_keys", 2L * interactions - sharedKeys);
        check(statement, "SELECT count(*) FROM copies", 2L * interactions);
        long raw = rawCopyRows(connection, interactions);
        statement.execute("VACUUM (ANALYZE)");
        String copies = ", " + sharedKeys + " Backup copies under the Main's key, " + (interactions - sharedKeys)
            + " under their own";
        report("after VACUUM (ANALYZE)" + copies, sizes(statement), raw, interactions);
        statement.execute("VACUUM FULL");
        report("after VACUUM FULL" + copies, sizes(statement), raw, interactions);
      }
    }
  }

  private static void mark(CallDatabase database, Fence fence, List<CallRecord> calls) throws Exception {
    for (int from = 0; from < calls.size(); from += MARKING_BATCH) {
      List<CallRecord> batch = calls.subList(from, Math.min(calls.size(), from + MARKING_BATCH));
      MarkResult result = database.mark(fence, batch);
      if (!result.equals(new MarkResult(batch.size(), 0, batch.size()))) {
        throw new IllegalStateException("marking a batch of new calls gave " + result);
      }
    }
  }

  private static void link(CallDatabase database, Fence fence, List<CallRecord> copies) throws Exception {
    for (int from = 0; from < copies.size(); from += GapAudit.BATCH) {
      List<CallRecord> batch = copies.subList(from, Math.min(copies.size(), from + GapAudit.BATCH));
      LinkResult result = database.link(fence, batch, Set.of());
      if (result.linked() != batch.size()) {
        throw new IllegalStateException("linking a batch of " + batch.size() + " gave " + result);
      }
    }
  }

  /** Two bare copy-shaped rows per interaction, no index, in a table of their own; its total size in bytes. */
  private static long rawCopyRows(Connection connection, int interactions) throws Exception {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE raw_copies (LIKE copies INCLUDING DEFAULTS)");
    }
    int rows = 2 * interactions;
    StringBuilder csv = new StringBuilder(rows * 160);
    Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
    for (int i = 0; i < rows; i++) {
      int serial = i % 2 == 0 ? MAIN : BACKUP;
      csv.append(Inum.of(serial, i / 2 + 1).value()).append(',').append(i / 2 + 1).append(",size-")
          .append(i / 2).append(',').append(serial).append(i % 2 == 0 ? ",MASTER" : ",SLAVE")
          .append(",true,5000,160000,500,0,").append(t0.plusMillis(i / 2)).append(',')
          .append(t0.plusMillis(i / 2).plusSeconds(5)).append(",1,").append(t0).append('\n');
    }
    ((PGConnection) connection).getCopyAPI().copyIn("COPY raw_copies (inum, interaction_id, correlation_key,"
        + " serial, call_role, complete, duration_ms, media_bytes, packets_received, packets_lost, start_time,"
        + " end_time, marked_epoch, marked_at) FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
    try (Statement statement = connection.createStatement()) {
      statement.execute("VACUUM (ANALYZE) raw_copies");
      try (ResultSet size = statement.executeQuery("SELECT pg_total_relation_size('raw_copies')")) {
        size.next();
        return size.getLong(1);
      }
    }
  }

  /** Every table of the schema but the baseline's and Flyway's: total bytes (heap, TOAST, indexes), and indexes. */
  private static Map<String, long[]> sizes(Statement statement) throws Exception {
    Map<String, long[]> sizes = new LinkedHashMap<>();
    try (ResultSet rows = statement.executeQuery("""
        SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid), c.reltuples::bigint
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN ('raw_copies', 'flyway_schema_history')
        ORDER BY pg_total_relation_size(c.oid) DESC""")) {
      while (rows.next()) {
        sizes.put(rows.getString(1), new long[] {rows.getLong(2), rows.getLong(3), rows.getLong(4)});
      }
    }
    return sizes;
  }

  private static void report(String when, Map<String, long[]> sizes, long raw, int interactions) {
    long total = 0;
    long indexes = 0;
    System.out.println(when + ", " + interactions + " interactions of two copies each:");
    for (Map.Entry<String, long[]> table : sizes.entrySet()) {
      long[] size = table.getValue();
      total += size[0];
      indexes += size[1];
      if (size[0] >= 64 * 1024) {
        System.out.printf("  %-22s %,13d bytes (indexes %,13d), %7.1f bytes per interaction, rows %,d%n",
            table.getKey(), size[0], size[1], (double) size[0] / interactions, size[2]);
      }
    }
    double perInteraction = (double) total / interactions;
    double rawPerInteraction = (double) raw / interactions;
    System.out.printf("  total %,d bytes (indexes %,d): %.0f bytes per interaction, %.0f of them indexes%n", total,
        indexes, perInteraction, (double) indexes / interactions);
    System.out.printf("baseline: two bare copy rows per interaction, no index: %,d bytes, %.0f bytes per interaction;"
        + " ratio %.2f%n", raw, rawPerInteraction, perInteraction / rawPerInteraction);
  }

  private static void check(Statement statement, String count, long expected) throws Exception {
    try (ResultSet rows = statement.executeQuery(count)) {
      rows.next();
      if (rows.getLong(1) != expected) {
        throw new IllegalStateException(count + " gave " + rows.getLong(1) + ", expected " + expected);
      }
    }
  }
}
