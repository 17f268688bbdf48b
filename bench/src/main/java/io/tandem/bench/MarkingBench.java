package io.tandem.bench;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.Position;
import io.tandem.call.StreamInfo;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.Fence;
import io.tandem.database.MarkResult;
import io.tandem.database.RecorderAssignment;
import io.tandem.database.RecorderRegistration;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Calls marked per second by the call database's batch marking, against a raw COPY of the same number
 * of rows in one transaction into a table with the columns and indexes of {@code copies} (its foreign key
 * aside), both measured in one run on one embedded PostgreSQL. Each marked call writes an interaction
 * and a copy; the baseline writes only the copy-shaped row. After each round the same calls are marked
 * again, as a reprocess does: idempotent, it changes no row, and is reported beside the figure. A first round
 * of the same size warms up the JVM and the server and is not counted.
 *
 * <p>Run: {@code bench/run marking [CALLS] [BATCH] [ROUNDS]} (defaults 100000; 5000, the batch in which the
 * Workflow marks a backlog; 3). Prints each round
 * and the medians.
 */
public final class MarkingBench {
  private static final int SERIAL = 900_001;

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path dir = Files.createTempDirectory("tandem-marking-bench");
    try {
      run(dir, calls, batch, rounds);
    } finally {
      RebuildBench.deleteTree(dir);
    }
  }

  private static void run(Path dir, int calls, int batch, int rounds) throws Exception {
    try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0);
        CallDatabase database = CallDatabase.connect(postgres.config(4))) {
      database.migrate();
      RecorderAssignment assignment = database.register(new RecorderRegistration(SERIAL, "bench", Position.MAIN,
          "http://127.0.0.1:1", "127.0.0.1:2"));
      Fence fence = new Fence(SERIAL, assignment.epoch());
      double[] copyRates = new double[rounds];
      double[] markRates = new double[rounds];
      double[] remarkRates = new double[rounds];
      long sequence = 1;
      // One round first, not counted, so that neither the JVM nor the server is measured cold.
      rawCopy(postgres.jdbcUrl(), calls, rounds);
      List<CallRecord> warmUp = new ArrayList<>(calls);
      for (int i = 0; i < calls; i++) {
        warmUp.add(call(Inum.of(SERIAL, sequence++), "warm-up-" + i));
      }
      markAll(database, fence, warmUp, batch, true);
      markAll(database, fence, warmUp, batch, false);
      for (int round = 0; round < rounds; round++) {
        copyRates[round] = rawCopy(postgres.jdbcUrl(), calls, round);
        List<CallRecord> records = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
          records.add(call(Inum.of(SERIAL, sequence++), "bench-" + round + "-" + i));
        }
        markRates[round] = markAll(database, fence, records, batch, true);
        remarkRates[round] = markAll(database, fence, records, batch, false);
        System.out.printf("round %d: raw COPY %.0f rows/s, marking %.0f calls/s, re-marking %.0f calls/s (batch %d)%n",
            round + 1, copyRates[round], markRates[round], remarkRates[round], batch);
      }
      double copy = median(copyRates);
      double mark = median(markRates);
      System.out.println("baseline: raw COPY, in one transaction, into a table with the columns and indexes of copies");
      System.out.printf("median: raw COPY %.0f rows/s, marking %.0f calls/s, ratio %.2f (goal >= 0.33)%n", copy, mark,
          mark / copy);
      double remark = median(remarkRates);
      System.out.printf("median: re-marking the same calls %.0f calls/s, ratio %.2f%n", remark, remark / copy);
      // Each round's marking against its own COPY, measured moments apart: steadier on a busy machine.
      double[] roundRatios = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        roundRatios[round] = markRates[round] / copyRates[round];
      }
      System.out.printf("median of the rounds' own ratios: %.2f (goal >= 0.33)%n", median(roundRatios));
    }
  }

  /**
   * Marks the calls in batches, one transaction each, as the Workflow does, and insists that each batch was
   * all new (or all marked already); returns calls per second.
   */
  private static double markAll(CallDatabase database, Fence fence, List<CallRecord> records, int batch,
      boolean expectNew) throws Exception {
    long start = System.nanoTime();
    for (int from = 0; from < records.size(); from += batch) {
      List<CallRecord> calls = records.subList(from, Math.min(records.size(), from + batch));
      MarkResult result = database.mark(fence, calls);
      MarkResult expected = expectNew ? new MarkResult(calls.size(), 0, calls.size())
          : new MarkResult(0, calls.size(), 0);
      if (!result.equals(expected)) {
        throw new IllegalStateException("marking a batch gave " + result + ", expected " + expected);
      }
    }
    return records.size() / ((System.nanoTime() - start) / 1e9);
  }

  static double rawCopy(String url, int rows, int round) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE IF NOT EXISTS copy_baseline (LIKE copies INCLUDING DEFAULTS INCLUDING INDEXES)");
        // Autovacuum would otherwise vacuum and analyse the rows just copied while the measurement that
        // follows runs, and charge it to that.
        statement.execute("ALTER TABLE copy_baseline SET (autovacuum_enabled = false)");
        statement.execute("TRUNCATE copy_baseline");
      }
      StringBuilder csv = new StringBuilder(rows * 120);
      Instant start = Instant.parse("2026-11-26T10:00:00Z");
      for (int i = 0; i < rows; i++) {
        csv.append((long) round * rows + i + 1).append(',').append(i + 1).append(',').append(SERIAL)
            .append(",MASTER,true,5000,80000,500,0,").append(start.plusSeconds(i)).append(',')
            .append(start.plusSeconds(i + 5)).append(",1,").append(start).append('\n');
      }
      long begin = System.nanoTime();
      ((PGConnection) connection).getCopyAPI().copyIn("COPY copy_baseline FROM STDIN WITH (FORMAT csv)",
          new StringReader(csv.toString()));
      return rows / ((System.nanoTime() - begin) / 1e9);
    }
  }

  private static CallRecord call(Inum inum, String key) {
    Instant start = Instant.parse("2026-11-26T10:00:00Z").plusMillis(inum.sequence());
    return new CallRecord(inum, key, start, start.plusSeconds(5), CallRole.MASTER, CallState.COMPLETE,
        List.of(new Participant("p1", "sip:alice@example.com", "Alice"),
            new Participant("p2", "sip:bob@example.com", "Bob")),
        List.of(new StreamInfo("1", 0, "p1", "PCMU"), new StreamInfo("2", 1, "p2", "PCMU")),
        new MediaStats(500, 0, 160_000, 5_000), "calls/" + inum + ".wav");
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
