package io.tandem.bench;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.Fence;
import io.tandem.database.RecorderAssignment;
import io.tandem.database.RecorderRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What lifting the statement timeout for a marking transaction costs: the {@code SET LOCAL statement_timeout = 0}
 * that starts each marking transaction, timed alone inside an open transaction, against marking a batch of one call
 * and of {@code BATCH} calls (each a new conversation, as steady recording marks them), on one embedded PostgreSQL
 * in one run. Medians over every transaction of every round; the first round warms up and is not counted.
 *
 * <p>Run: {@code bench/run statement-timeout [TRANSACTIONS] [BATCH] [ROUNDS]} (defaults 2000; 50; 3).
 */
public final class StatementTimeoutBench {
  private static final int SERIAL = 910_001;
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  public static void main(String[] args) throws Exception {
    int transactions = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path dir = Files.createTempDirectory("tandem-statement-timeout-bench");
    try (EmbeddedDatabase server = EmbeddedDatabase.start(dir, 0);
        CallDatabase database = CallDatabase.connect(server.config(4))) {
      database.migrate();
      RecorderAssignment main = database.register(new RecorderRegistration(SERIAL, "pair-b", Position.MAIN,
          "http://127.0.0.1:1", "127.0.0.1:5060"));
      Fence fence = new Fence(SERIAL, main.epoch());
      long sequence = 0;
      List<Double> setLocal = new ArrayList<>();
      List<Double> markOne = new ArrayList<>();
      List<Double> markBatch = new ArrayList<>();
      try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "")) {
        connection.setAutoCommit(false);
        for (int round = 0; round <= rounds; round++) {
          boolean counted = round > 0;
          for (int i = 0; i < transactions; i++) {
            double set = timedSetLocal(connection);
            long begun = System.nanoTime();
            database.mark(fence, List.of(call(++sequence)));
            double one = (System.nanoTime() - begun) / 1e6;
            List<CallRecord> calls = new ArrayList<>(batch);
            for (int c = 0; c < batch; c++) {
              calls.add(call(++sequence));
            }
            begun = System.nanoTime();
            database.mark(fence, calls);
            double many = (System.nanoTime() - begun) / 1e6;
            if (counted) {
              setLocal.add(set);
              markOne.add(one);
              markBatch.add(many);
            }
          }
          if (counted) {
            System.out.printf("round %d: SET LOCAL %.3f ms, mark 1 call %.3f ms, mark %d calls %.3f ms "
                + "(medians so far)%n", round, median(setLocal), median(markOne), batch, median(markBatch));
          }
        }
      }
      double set = median(setLocal);
      System.out.printf("SET LOCAL statement_timeout = 0: %.3f ms; x %.3f of marking 1 call (%.3f ms), x %.3f of "
          + "marking %d calls (%.3f ms); medians of %d transactions each%n", set, set / median(markOne),
          median(markOne), set / median(markBatch), batch, median(markBatch), setLocal.size());
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** The statement alone, in a transaction of its own that is then committed, in milliseconds. */
  private static double timedSetLocal(Connection connection) throws Exception {
    try (Statement statement = connection.createStatement()) {
      long begun = System.nanoTime();
      statement.execute("SET LOCAL statement_timeout = 0");
      double took = (System.nanoTime() - begun) / 1e6;
      connection.commit();
      return took;
    }
  }

  private static CallRecord call(long sequence) {
    Instant start = T0.plusMillis(sequence * 10);
    return new CallRecord(Inum.of(SERIAL, sequence), "conv-" + sequence, start, start.plusSeconds(60),
        CallRole.MASTER, CallState.COMPLETE,
        List.of(new Participant("p1", "sip:caller-" + sequence + "@example.com", "Caller " + sequence)), List.of(),
        new MediaStats(3000, 0, 480_000, 60_000), "media/" + sequence + ".wav");
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
