package io.tandem.bench;

import io.tandem.admin.JobFigures;
import io.tandem.call.CallRole;
import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.rebuild.JobProgress;
import io.tandem.rebuild.Rebuild;
import io.tandem.rebuild.RebuildScope;
import io.tandem.workflow.Workflow;
import io.tandem.workflow.WorkflowState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Time to plan and add a Rebuild Fix (99 % of the buffer already in the Workflow) and a Rebuild Full (before
 * consolidation) over call buffers of 10k, 100k and 1M calls, against a raw fsync'd bulk insert of the same
 * number of rows into a bare SQLite table, all in one run on one disk. Rows only: planning reads no media. While
 * each Full runs, a thread writes one row every 5 ms in a transaction of its own, as live recording does (a call's
 * start, its end), and the longest any of those writes waited for the store is reported beside the Full.
 *
 * <p>Run: {@code bench/run rebuild [N ...]} (default 10000 100000 1000000). Prints the median of 3 rounds of
 * each, and the cost per call.
 */
public final class RebuildBench {
  private static final int SERIAL = 900_002;
  private static final int ROUNDS = 3;
  private static final Instant FIRST_START = Instant.parse("2026-01-01T00:00:00Z");

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String arg : args) {
      sizes.add(Integer.parseInt(arg));
    }
    if (sizes.isEmpty()) {
      sizes.addAll(List.of(10_000, 100_000, 1_000_000));
    }
    System.out.println("calls      raw insert     Rebuild Fix (99% present)    Rebuild Full                 longest"
        + " write wait during the Full");
    for (int calls : sizes) {
      Path dir = Files.createTempDirectory("tandem-rebuild-bench");
      try {
        measure(calls, dir);
      } finally {
        deleteTree(dir);
      }
    }
  }

  private static void measure(int calls, Path dir) throws Exception {
    double[] raw = new double[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      raw[round] = rawInsert(dir.resolve("raw-" + round + ".db"), calls);
    }
    double[] fix = new double[ROUNDS];
    double[] full = new double[ROUNDS];
    double[] longestWait = new double[ROUNDS];
    try (LocalStore store = LocalStore.open(dir.resolve("buffer.db"))) {
      Clock clock = Clock.systemUTC();
      CallBuffer buffer = new CallBuffer(store, new InumAllocator(store, SERIAL, null), clock);
      Workflow workflow = new Workflow(store, clock);
      Rebuild rebuild = new Rebuild(store, buffer, workflow);
      List<Inum> inums = fill(store, calls);
      for (int round = 0; round < ROUNDS; round++) {
        workflow.clear();
        workflow.submitAll(inums.stream().filter(inum -> inum.sequence() % 100 != 0).toList(),
            WorkflowState.PENDING);
        checkpoint(store);
        fix[round] = timed(() -> check(rebuild, false, calls / 100, calls));
      }
      for (int round = 0; round < ROUNDS; round++) {
        checkpoint(store);
        LiveWrites live = new LiveWrites(store);
        try {
          full[round] = timed(() -> check(rebuild, true, calls, calls));
        } finally {
          longestWait[round] = live.stop();
        }
      }
    }
    double rawMedian = MarkingBench.median(raw);
    double fixMedian = MarkingBench.median(fix);
    double fullMedian = MarkingBench.median(full);
    System.out.printf("%-9d  %6.3f s %5.2f us  %6.3f s %5.2f us (%.1fx raw)  %6.3f s %5.2f us (%.1fx raw)  %8.1f ms%n",
        calls, rawMedian, perCall(rawMedian, calls), fixMedian, perCall(fixMedian, calls), fixMedian / rawMedian,
        fullMedian, perCall(fullMedian, calls), fullMedian / rawMedian, MarkingBench.median(longestWait) * 1e3);
  }

  /**
   * A write of live recording's size (one row, its own transaction) every 5 ms on a thread of its own, as calls
   * starting and ending write while a Full runs; {@link #stop} returns the longest any of them waited, in seconds.
   */
  private static final class LiveWrites {
    private final Thread thread;
    private volatile boolean stopped;
    private long longestNanos;

    LiveWrites(LocalStore store) {
      thread = Thread.ofPlatform().name("live-writes").start(() -> {
        for (long row = 1; !stopped; row++) {
          long written = row;
          long begin = System.nanoTime();
          store.transaction(c -> {
            try (var insert = c.prepareStatement("INSERT OR REPLACE INTO gap_audit_held (inum) VALUES (?)")) {
              insert.setLong(1, written);
              return insert.executeUpdate();
            }
          });
          longestNanos = Math.max(longestNanos, System.nanoTime() - begin);
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
      });
    }

    double stop() throws InterruptedException {
      stopped = true;
      thread.join();
      return longestNanos / 1e9;
    }
  }

  private static void check(Rebuild rebuild, boolean full, long expectAdded, long expectMatched) {
    JobProgress progress = new JobProgress();
    rebuild.run(new RebuildScope(full, true, true, null, null), Instant.now(), progress);
    JobFigures done = progress.snapshot();
    if (done.added() != expectAdded || done.matched() != expectMatched) {
      throw new IllegalStateException("expected " + expectAdded + " added of " + expectMatched + ", got " + done);
    }
  }

  /** Call buffer rows in one transaction, bypassing begin/finish; half MASTER, half SLAVE, one per 10 ms. */
  private static List<Inum> fill(LocalStore store, int calls) {
    List<Inum> inums = new ArrayList<>(calls);
    store.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO calls (inum, correlation_key, start_nanos, "
          + "end_nanos, call_role, state, participants, streams, packets_received, packets_lost, media_bytes, "
          + "duration_millis, media_path) VALUES (?, ?, ?, ?, ?, 'COMPLETE', '[]', '[]', 500, 0, 80000, 5000, ?)")) {
        long firstNanos = FIRST_START.getEpochSecond() * 1_000_000_000L;
        for (int i = 0; i < calls; i++) {
          Inum inum = Inum.of(SERIAL, i + 1L);
          long start = firstNanos + i * 10_000_000L;
          insert.setLong(1, inum.value());
          insert.setString(2, "bench-" + i);
          insert.setLong(3, start);
          insert.setLong(4, start + 5_000_000_000L);
          insert.setString(5, (i % 2 == 0 ? CallRole.MASTER : CallRole.SLAVE).name());
          insert.setString(6, "calls/" + inum + ".wav");
          insert.addBatch();
          inums.add(inum);
        }
        insert.executeBatch();
      }
      return null;
    });
    return inums;
  }

  /** Settles the set-up into the database file, so that no round pays for the one before it. */
  private static void checkpoint(LocalStore store) {
    store.read(c -> {
      try (Statement statement = c.createStatement()) {
        return statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    });
  }

  /** The reference: N rows of (key, start, role) into a bare table, one fsync'd transaction. */
  private static double rawInsert(Path file, int rows) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (Statement statement = c.createStatement()) {
        statement.execute("PRAGMA journal_mode = WAL");
        statement.execute("PRAGMA synchronous = FULL");
        statement.execute("CREATE TABLE raw (inum INTEGER PRIMARY KEY, start_nanos INTEGER, state TEXT)");
      }
      long begin = System.nanoTime();
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO raw VALUES (?, ?, ?)")) {
        for (int i = 0; i < rows; i++) {
          insert.setLong(1, Inum.of(SERIAL, i + 1L).value());
          insert.setLong(2, i * 10_000_000L);
          insert.setString(3, "AWAITING_REPROCESS");
          insert.addBatch();
        }
        insert.executeBatch();
      }
      c.commit();
      return (System.nanoTime() - begin) / 1e9;
    }
  }

  private static double timed(Runnable work) {
    long begin = System.nanoTime();
    work.run();
    return (System.nanoTime() - begin) / 1e9;
  }

  private static double perCall(double seconds, int calls) {
    return seconds * 1e6 / calls;
  }

  /** Deletes a directory and everything under it. */
  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
