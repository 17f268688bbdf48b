package io.tandem.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.audit.AuditEntry;
import io.tandem.audit.AuditVerdict;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Audit rows appended per second with the hash chain (each row its own committed transaction that locks the chain
 * head, reads the previous hash and moves the head) against a plain INSERT of the same row into a table with the
 * same columns, each its own committed transaction too, on one embedded PostgreSQL in one run: rounds alternate
 * between the two, with 1 and with 4 appending threads. A first round of each is not counted.
 *
 * <p>Run: {@code bench/run audit [ROWS] [ROUNDS]} (defaults 2000 and 5). Prints each round and the medians.
 */
public final class AuditBench {
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("tandem-audit-bench");
    try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0);
        CallDatabase database = CallDatabase.connect(postgres.config(8))) {
      database.migrate();
      try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE audit_plain (id bigserial PRIMARY KEY, at timestamptz NOT NULL, actor text NOT NULL, "
            + "action text NOT NULL, target text NOT NULL, detail text NOT NULL, result text NOT NULL)");
      }
      HikariConfig hikari = new HikariConfig();
      hikari.setJdbcUrl(postgres.jdbcUrl());
      hikari.setUsername("postgres");
      hikari.setMaximumPoolSize(8);
      try (HikariDataSource pool = new HikariDataSource(hikari)) {
        compare(database, pool, rows, rounds);
      }
      AuditVerdict verdict = database.verifyAudit();
      long start = System.nanoTime();
      database.verifyAudit();
      System.out.printf("verify: %s, %.0f rows/s%n", verdict.line(),
          verdict.rows() / ((System.nanoTime() - start) / 1e9));
    } finally {
      RebuildBench.deleteTree(dir);
    }
  }

  private static void compare(CallDatabase database, HikariDataSource pool, int rows, int rounds) throws Exception {
    for (int threads : new int[] {1, 4}) {
      double[] chained = new double[rounds];
      double[] plain = new double[rounds];
      for (int round = -1; round < rounds; round++) {
        double c = rate(rows, threads, () -> database.audit(entry()));
        double p = rate(rows, threads, () -> plainInsert(pool));
        if (round >= 0) {
          chained[round] = c;
          plain[round] = p;
          System.out.printf("threads %d round %d: chained %.0f rows/s, plain %.0f rows/s, ratio %.2f%n", threads,
              round + 1, c, p, c / p);
        }
      }
      System.out.printf("threads %d median: chained %.0f rows/s, plain %.0f rows/s, ratio %.2f%n", threads,
          median(chained), median(plain), median(chained) / median(plain));
    }
  }

  @FunctionalInterface
  private interface Append {
    void run() throws Exception;
  }

  private static void plainInsert(HikariDataSource pool) throws Exception {
    AuditEntry e = entry();
    try (Connection c = pool.getConnection(); PreparedStatement insert = c.prepareStatement(
        "INSERT INTO audit_plain (at, actor, action, target, detail, result) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setTimestamp(1, Timestamp.from(Instant.now()));
      insert.setString(2, e.actor());
      insert.setString(3, e.action());
      insert.setString(4, e.target());
      insert.setString(5, e.detail());
      insert.setString(6, e.result());
      insert.executeUpdate();
    }
  }

  private static AuditEntry entry() {
    return new AuditEntry("token:nightly-report", "replay", "interaction 4242", "copy 100001000004242 (bytes=0-)",
        "served");
  }

  private static double rate(int rows, int threads, Append append) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < rows / threads; i++) {
            append.run();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return (rows / threads * threads) / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }
}
