package io.tandem.bench;

import io.tandem.call.CallRole;
import io.tandem.call.Inum;
import io.tandem.call.Participant;
import io.tandem.call.Position;
import io.tandem.call.StreamInfo;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseErrors;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.Fence;
import io.tandem.database.RecorderAssignment;
import io.tandem.database.RecorderRegistration;
import io.tandem.json.Json;
import io.tandem.media.WavFile;
import io.tandem.rebuild.JobProgress;
import io.tandem.rebuild.Reprocess;
import io.tandem.workflow.Consolidator;
import io.tandem.workflow.Workflow;
import io.tandem.workflow.WorkflowState;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Calls per second through a Recorder Manager reprocess of a whole call buffer left by a Rebuild Full: from
 * the start of the reprocess until the last Workflow entry is DONE, with a running, active consolidator that
 * marks into an embedded PostgreSQL (no archive rules). Every call has a real, sound WAV file, so the media
 * check reads N files. The baseline is MarkingBench's raw COPY of N copy-shaped rows, measured before and
 * after each round in the same run: on a shared machine one COPY ranges over a factor of two or more, so a
 * round is set against the mean of the two beside it, and the run's median reprocess against the median of
 * all its COPYs. Round 1 creates the interactions and copies; later rounds re-mark them (marking is
 * idempotent, so they find them marked and write nothing). Reprocesses of as many other calls run first,
 * uncounted, until the JIT compiler is all but done, so that the rounds meet a recorder that has been
 * running. bench/run starts this with the recorder's own JVM options.
 *
 * <p>Run: {@code bench/run reprocess [CALLS] [ROUNDS]} (defaults 100000, 3). Prints each round and the medians.
 */
public final class ReprocessBench {
  private static final int SERIAL = 900_003;
  private static final Instant FIRST_START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long START_SPACING_NANOS = 10_000_000L;
  private static final int CHANNELS = 2;
  /**
   * Calls of the warm-up (at most as many as are measured): with 20,000, the compiler still took 1 to 2 s of
   * the first two rounds of 100,000, recompiling for loops and batches at their size.
   */
  private static final int WARM_UP_CALLS = 100_000;
  /** The most warm-up passes, should the compiler never settle. */
  private static final int WARM_UP_PASSES = 12;
  /** 0.1 s of 16-bit 8 kHz stereo: small, yet a duration the media check can verify. */
  private static final long DURATION_MILLIS = 100;
  private static final long DATA_BYTES = DURATION_MILLIS * WavFile.SAMPLE_RATE / 1000 * WavFile.BYTES_PER_SAMPLE
      * CHANNELS;
  private static final int FILES_PER_FOLDER = 1_000;
  /** A round that makes no progress for this long has failed (a fence refusal, a stuck entry). */
  private static final long STALL_NANOS = 60_000_000_000L;

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    if (calls < 1 || rounds < 1) {
      throw new IllegalArgumentException("calls and rounds must be >= 1, got " + calls + " and " + rounds);
    }
    Path dir = Files.createTempDirectory("tandem-reprocess-bench");
    try {
      run(dir, calls, rounds);
    } finally {
      deleteTree(dir);
    }
  }

  private static void run(Path dir, int calls, int rounds) throws Exception {
    Path dataDir = dir.resolve("data");
    try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0);
        CallDatabase database = CallDatabase.connect(postgres.config(4));
        LocalStore store = LocalStore.open(dataDir.resolve("buffer.db"))) {
      database.migrate();
      RecorderAssignment assignment = database.register(new RecorderRegistration(SERIAL, "bench", Position.MAIN,
          "http://127.0.0.1:1", "127.0.0.1:2"));
      Fence fence = new Fence(SERIAL, assignment.epoch());
      Clock clock = Clock.systemUTC();
      CallBuffer buffer = new CallBuffer(store, new InumAllocator(store, SERIAL, null), clock);
      Workflow workflow = new Workflow(store, clock);
      long setUp = System.nanoTime();
      int warmUp = Math.min(calls, WARM_UP_CALLS);
      List<Inum> all = fill(store, dataDir, warmUp + calls);
      System.out.printf("set-up: %d finished calls with %d-byte WAV files, and %d more to warm up on, in %.1f s%n",
          calls, WavFile.HEADER_BYTES + DATA_BYTES, warmUp, (System.nanoTime() - setUp) / 1e9);
      Consolidator consolidator = Consolidator.builder().workflow(workflow).callBuffer(buffer).dataDir(dataDir)
          .marker(database).ledger(database).fences(() -> fence).retryable(DatabaseErrors::isRetryable)
          .clock(clock).build();
      consolidator.start();
      consolidator.setActive(true);
      try {
        warmUp(postgres, store, buffer, workflow, consolidator, all.subList(0, warmUp));
        measure(postgres, store, buffer, workflow, consolidator, all, warmUp, rounds);
      } finally {
        consolidator.stop();
      }
    }
  }

  /**
   * Reprocesses calls of their own, and copies as many rows raw, before the measured calls are in the
   * Workflow, until the JIT compiler is all but done (it spent under 5 % of a pass compiling), so that the
   * rounds measure a recorder that has been running, as one in service has. Passes take turns: one creates
   * the warm-up's interactions (after their rows are deleted from the call database), the next re-marks
   * them, as the first round and the later ones do.
   */
  private static void warmUp(EmbeddedDatabase postgres, LocalStore store, CallBuffer buffer, Workflow workflow,
      Consolidator consolidator, List<Inum> inums) throws Exception {
    Reprocess reprocess = new Reprocess(buffer, workflow);
    workflow.submitAll(inums, WorkflowState.AWAITING_REPROCESS);
    for (int pass = 1; pass <= WARM_UP_PASSES; pass++) {
      if (pass > 1) {
        workflow.moveTo(inums, WorkflowState.AWAITING_REPROCESS);
      }
      if (pass % 2 == 1 && pass > 1) {
        forget(postgres, inums);
      }
      long compiling = compilingMillis();
      long begin = System.nanoTime();
      MarkingBench.rawCopy(postgres.jdbcUrl(), inums.size(), pass);
      long markedBefore = consolidator.counters().marked();
      reprocess.run(FIRST_START, startOf(inums.size()), new JobProgress());
      awaitAllDone(store, workflow, () -> consolidator.counters().marked() - markedBefore, inums.size(),
          inums.size(), begin);
      double seconds = (System.nanoTime() - begin) / 1e9;
      compiling = compilingMillis() - compiling;
      System.out.printf("warm-up pass %d: %d other calls in %.1f s, of it %.1f s compiling; not counted%n", pass,
          inums.size(), seconds, compiling / 1e3);
      if (compiling < seconds * 1e3 * 0.05) {
        break;
      }
    }
    // The warm-up's deletes and updates are vacuumed now rather than by autovacuum during round 1.
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("VACUUM ANALYZE");
    }
  }

  /** Deletes the calls' copies, and their interactions, from the call database. */
  private static void forget(EmbeddedDatabase postgres, List<Inum> inums) throws SQLException {
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "")) {
      connection.setAutoCommit(false);
      List<Long> interactions = new ArrayList<>();
      // A copy is found by its interaction and INUM, its INUM's interaction kept in copy_inums.
      try (PreparedStatement copies = connection.prepareStatement("""
          WITH gone AS (DELETE FROM copy_inums WHERE inum = ANY (?) RETURNING inum, interaction_id)
          DELETE FROM copies c USING gone WHERE c.interaction_id = gone.interaction_id AND c.inum = gone.inum
          RETURNING c.interaction_id""")) {
        copies.setArray(1, connection.createArrayOf("bigint", inums.stream().map(Inum::value).toArray()));
        try (ResultSet rs = copies.executeQuery()) {
          while (rs.next()) {
            interactions.add(rs.getLong(1));
          }
        }
      }
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM interactions WHERE id = ANY (?)")) {
        delete.setArray(1, connection.createArrayOf("bigint", interactions.toArray()));
        delete.executeUpdate();
      }
      connection.commit();
    }
  }

  /** Milliseconds the JIT compilers have spent so far, on their own threads. */
  private static long compilingMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /** The start of the call filled {@code index}th (from 0). */
  private static Instant startOf(int index) {
    return FIRST_START.plusNanos(index * START_SPACING_NANOS);
  }

  /** Measures the calls filled after the {@code warmUp} first ones: their range starts where the warm-up's ends. */
  private static void measure(EmbeddedDatabase postgres, LocalStore store, CallBuffer buffer, Workflow workflow,
      Consolidator consolidator, List<Inum> all, int warmUp, int rounds) throws Exception {
    List<Inum> inums = all.subList(warmUp, all.size());
    int calls = inums.size();
    workflow.submitAll(inums, WorkflowState.AWAITING_REPROCESS);
    Reprocess reprocess = new Reprocess(buffer, workflow);
    Instant from = startOf(warmUp);
    Instant to = startOf(all.size());
    double[] copyRates = new double[2 * rounds];
    double[] rates = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      if (round > 0) {
        workflow.moveTo(inums, WorkflowState.AWAITING_REPROCESS);
      }
      checkpoint(store);
      copyRates[2 * round] = MarkingBench.rawCopy(postgres.jdbcUrl(), calls, 2 * round);
      long markedBefore = consolidator.counters().marked();
      double jvmCpu = ProcessCpu.ofThisJvm();
      long compiling = compilingMillis();
      double postgresCpu = ProcessCpu.ofProcessesNamed("postgres");
      long begin = System.nanoTime();
      reprocess.run(from, to, new JobProgress());
      double moved = (System.nanoTime() - begin) / 1e9;
      double marked = awaitAllDone(store, workflow, () -> consolidator.counters().marked() - markedBefore, calls,
          all.size(), begin);
      double seconds = (System.nanoTime() - begin) / 1e9;
      jvmCpu = ProcessCpu.ofThisJvm() - jvmCpu;
      postgresCpu = ProcessCpu.ofProcessesNamed("postgres") - postgresCpu;
      compiling = compilingMillis() - compiling;
      rates[round] = calls / seconds;
      copyRates[2 * round + 1] = MarkingBench.rawCopy(postgres.jdbcUrl(), calls, 2 * round + 1);
      double besideCopy = (copyRates[2 * round] + copyRates[2 * round + 1]) / 2;
      System.out.printf("round %d (%s): raw COPY %.0f and %.0f rows/s before and after, reprocess %.0f calls/s, "
          + "ratio %.3f (entries moved to PENDING in %.2f s, all marked at %.1f s, all DONE at %.1f s; CPU: "
          + "recorder side %.1f s, of it compiling %.1f s, PostgreSQL %.1f s)%n", round + 1,
          round == 0 ? "creates the interactions" : "re-marks, idempotent", copyRates[2 * round],
          copyRates[2 * round + 1], rates[round], rates[round] / besideCopy, moved, marked, seconds, jvmCpu,
          compiling / 1e3, postgresCpu);
    }
    double copy = MarkingBench.median(copyRates);
    double rate = MarkingBench.median(rates);
    System.out.println("baseline: raw COPY, in one transaction, into a table with the columns and indexes of copies");
    System.out.println("reprocess: from its start to the last entry DONE, active consolidator, no archive rules, "
        + "media checked on disk; round 1 inserts, later rounds re-mark the same calls");
    System.out.printf("round 1: reprocess %.0f calls/s, ratio %.3f to the median raw COPY%n", rates[0],
        rates[0] / copy);
    System.out.printf("median: raw COPY %.0f rows/s (of %d), reprocess %.0f calls/s, ratio %.3f (goal >= 0.33)%n",
        copy, copyRates.length, rate, rate / copy);
  }

  /**
   * Waits until no entry is left to consolidate, then insists that {@code done} entries are DONE. Returns the
   * seconds from {@code begin} until {@code calls} calls were marked, as far as the polling can tell.
   */
  private static double awaitAllDone(LocalStore store, Workflow workflow, LongSupplier marked, int calls,
      long done, long begin) throws InterruptedException {
    long lastLeft = Long.MAX_VALUE;
    long lastProgress = System.nanoTime();
    long allMarked = 0;
    for (int polls = 0; unfinished(store, false) > 0; polls++) {
      if (allMarked == 0 && marked.getAsLong() >= calls) {
        allMarked = System.nanoTime();
      }
      // Counting is dearer than asking whether any is left, so it only runs now and then to detect a stall.
      if (polls % 500 == 0) {
        long left = unfinished(store, true);
        if (left < lastLeft) {
          lastLeft = left;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
          throw new IllegalStateException("no progress for 60 s, Workflow counts " + workflow.counts());
        }
      }
      Thread.sleep(10);
    }
    Map<WorkflowState, Long> counts = workflow.counts();
    if (counts.get(WorkflowState.DONE) != done) {
      throw new IllegalStateException("expected " + done + " DONE, Workflow counts " + counts);
    }
    return ((allMarked == 0 ? System.nanoTime() : allMarked) - begin) / 1e9;
  }

  /**
   * Entries still to consolidate: whether there is any ({@code count} false, 0 or 1), or how many. Read on
   * the Workflow's two indexes of entries not DONE, promoted or not (each query repeats its index's
   * condition, or SQLite scans the whole table: every 10 ms, that was 7 % of the recorder's CPU),
   * on the store's second connection, so that polling neither waits for nor holds up a commit.
   */
  private static long unfinished(LocalStore store, boolean count) {
    String left = "FROM workflow WHERE state <> 'DONE' AND promoted = %d "
        + "AND state IN ('PENDING', 'ARCHIVING', 'AWAITING_REPROCESS')";
    String sql = count
        ? "SELECT (SELECT count(*) " + left.formatted(0) + ") + (SELECT count(*) " + left.formatted(1) + ")"
        : "SELECT EXISTS (SELECT 1 " + left.formatted(0) + ") OR EXISTS (SELECT 1 " + left.formatted(1) + ")";
    return store.readBeside(c -> {
      try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  /**
   * Call buffer rows in one transaction, bypassing begin/finish, each with its own WAV file that the media
   * check accepts; half MASTER, half SLAVE, one call per 10 ms, each its own interaction.
   */
  private static List<Inum> fill(LocalStore store, Path dataDir, int calls) throws IOException {
    byte[] wav = wav();
    String participants = Json.write(List.of(new Participant("p1", "sip:alice@example.com", "Alice"),
        new Participant("p2", "sip:bob@example.com", "Bob")));
    String streams = Json.write(List.of(new StreamInfo("1", 0, "p1", "PCMU"), new StreamInfo("2", 1, "p2", "PCMU")));
    List<String> paths = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      String path = "calls/" + (i / FILES_PER_FOLDER) + "/" + Inum.of(SERIAL, i + 1L) + ".wav";
      if (i % FILES_PER_FOLDER == 0) {
        Files.createDirectories(dataDir.resolve(path).getParent());
      }
      Files.write(dataDir.resolve(path), wav);
      paths.add(path);
    }
    List<Inum> inums = new ArrayList<>(calls);
    store.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO calls (inum, correlation_key, start_nanos, "
          + "end_nanos, call_role, state, participants, streams, packets_received, packets_lost, media_bytes, "
          + "duration_millis, media_path) VALUES (?, ?, ?, ?, ?, 'COMPLETE', ?, ?, 10, 0, ?, ?, ?)")) {
        long firstNanos = FIRST_START.getEpochSecond() * 1_000_000_000L;
        for (int i = 0; i < calls; i++) {
          Inum inum = Inum.of(SERIAL, i + 1L);
          long start = firstNanos + i * START_SPACING_NANOS;
          insert.setLong(1, inum.value());
          insert.setString(2, "reprocess-bench-" + i);
          insert.setLong(3, start);
          insert.setLong(4, start + DURATION_MILLIS * 1_000_000L);
          insert.setString(5, (i % 2 == 0 ? CallRole.MASTER : CallRole.SLAVE).name());
          insert.setString(6, participants);
          insert.setString(7, streams);
          insert.setLong(8, DATA_BYTES);
          insert.setLong(9, DURATION_MILLIS);
          insert.setString(10, paths.get(i));
          insert.addBatch();
          inums.add(inum);
        }
        insert.executeBatch();
      }
      return null;
    });
    return inums;
  }

  private static byte[] wav() {
    ByteBuffer header = WavFile.header(CHANNELS, DATA_BYTES);
    byte[] wav = new byte[WavFile.HEADER_BYTES + (int) DATA_BYTES];
    header.get(wav, 0, WavFile.HEADER_BYTES);
    return wav;
  }

  /** Settles earlier writes into the store file, so that no round pays for the one before it. */
  private static void checkpoint(LocalStore store) {
    store.read(c -> {
      try (Statement statement = c.createStatement()) {
        return statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    });
  }

  private static void deleteTree(Path dir) throws IOException {
    List<Path> deepestFirst;
    try (Stream<Path> paths = Files.walk(dir)) {
      deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : deepestFirst) {
      Files.deleteIfExists(path);
    }
  }
}
