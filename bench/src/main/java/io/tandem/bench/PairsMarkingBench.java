package io.tandem.bench;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.Inum;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.Fence;
import io.tandem.database.MarkResult;
import io.tandem.database.RecorderAssignment;
import io.tandem.database.RecorderRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Calls marked per second when the primaries of many pairs mark at once into one call database, each with a
 * connection pool of its own as a recorder process has, against a raw COPY of as many copy-shaped rows in one
 * transaction, and against one pair marking its share alone, all in one run on one embedded PostgreSQL. Every pair
 * marks the same number of calls of its own (its own serial, session ids and participants) in the Workflow's
 * batches; the figure is all the pairs' calls over the time from the first batch to the last. A first round of the
 * same size warms up the JVM and the server and is not counted.
 *
 * <p>Run: {@code bench/run marking-pairs [PAIRS] [CALLS_PER_PAIR] [BATCH] [ROUNDS]} (defaults 10; 10000; 1000;
 * 3). Prints each round and the medians.
 */
public final class PairsMarkingBench {
  private static final int FIRST_SERIAL = 910_001;
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  /** Connections of each pair's primary, as a recorder's pool holds them. */
  private static final int POOL = 4;

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    if (pairs < 1 || calls < 1 || batch < 1 || rounds < 1) {
      throw new IllegalArgumentException("PAIRS, CALLS_PER_PAIR, BATCH and ROUNDS must be positive");
    }
    Path dir = Files.createTempDirectory("tandem-pairs-marking-bench");
    try {
      run(dir, pairs, calls, batch, rounds);
    } finally {
      RebuildBench.deleteTree(dir);
    }
  }

  private static void run(Path dir, int pairCount, int calls, int batch, int rounds) throws Exception {
    try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0)) {
      List<CallDatabase> pools = new ArrayList<>();
      ExecutorService primaries = Executors.newFixedThreadPool(pairCount);
      try {
        List<Fence> fences = new ArrayList<>();
        for (int pair = 0; pair < pairCount; pair++) {
          CallDatabase database = CallDatabase.connect(postgres.config(POOL));
          if (pair == 0) {
            database.migrate();
            // The calls' month and the 23 before it, as MarkingBench makes them (its calls are in the same month).
            MarkingBench.makeMonths(postgres, 24);
          }
          pools.add(database);
          RecorderAssignment assignment = database.register(new RecorderRegistration(serial(pair),
              "bench-" + (pair + 1), Position.MAIN, "http://127.0.0.1:1", "127.0.0.1:2"));
          fences.add(new Fence(serial(pair), assignment.epoch()));
        }
        long[] sequence = new long[pairCount];
        double[] copyRates = new double[rounds];
        double[] allRates = new double[rounds];
        double[] aloneRates = new double[rounds];
        // One round first, not counted, so that neither the JVM nor the server is measured cold.
        MarkingBench.rawCopy(postgres.jdbcUrl(), pairCount * calls, rounds);
        markAtOnce(primaries, pools, fences, sequence, calls, batch, "warm-up");
        for (int round = 0; round < rounds; round++) {
          copyRates[round] = MarkingBench.rawCopy(postgres.jdbcUrl(), pairCount * calls, round);
          allRates[round] = markAtOnce(primaries, pools, fences, sequence, calls, batch, "round-" + round);
          aloneRates[round] = markAtOnce(primaries, pools.subList(0, 1), fences.subList(0, 1), sequence, calls,
              batch, "alone-" + round);
          System.out.printf("round %d: raw COPY %.0f rows/s, %d pairs marking at once %.0f calls/s, one pair alone"
              + " %.0f calls/s (batch %d)%n", round + 1, copyRates[round], pairCount, allRates[round],
              aloneRates[round], batch);
        }
        double copy = MarkingBench.median(copyRates);
        double all = MarkingBench.median(allRates);
        double alone = MarkingBench.median(aloneRates);
        System.out.println("baseline: raw COPY of " + pairCount * calls + " rows, in one transaction, into a table with"
            + " the columns and indexes of copies");
        System.out.printf("median: raw COPY %.0f rows/s, %d pairs marking at once %.0f calls/s, ratio %.2f; one pair"
            + " alone %.0f calls/s, ratio %.2f%n", copy, pairCount, all, all / copy, alone, alone / copy);
      } finally {
        primaries.shutdownNow();
        pools.forEach(CallDatabase::close);
      }
    }
  }

  private static int serial(int pair) {
    return FIRST_SERIAL + 2 * pair;
  }

  /**
   * Each of the given pairs' primaries marks {@code calls} new calls of its own in batches, all starting together;
   * returns all their calls over the time from the start to the last batch marked.
   */
  private static double markAtOnce(ExecutorService primaries, List<CallDatabase> pools, List<Fence> fences,
      long[] sequence, int calls, int batch, String keyPrefix) throws Exception {
    List<List<CallRecord>> work = new ArrayList<>();
    for (int pair = 0; pair < pools.size(); pair++) {
      work.add(calls(serial(pair), sequence[pair] + 1, calls, keyPrefix + "-" + pair));
      sequence[pair] += calls;
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> marking = new ArrayList<>();
    for (int pair = 0; pair < pools.size(); pair++) {
      CallDatabase database = pools.get(pair);
      Fence fence = fences.get(pair);
      List<CallRecord> records = work.get(pair);
      marking.add(primaries.submit(() -> {
        start.await();
        markAll(database, fence, records, batch);
        return null;
      }));
    }
    long begin = System.nanoTime();
    start.countDown();
    for (Future<?> pair : marking) {
      pair.get();
    }
    return (double) pools.size() * calls / ((System.nanoTime() - begin) / 1e9);
  }

  private static void markAll(CallDatabase database, Fence fence, List<CallRecord> records, int batch)
      throws Exception {
    for (int from = 0; from < records.size(); from += batch) {
      List<CallRecord> calls = records.subList(from, Math.min(records.size(), from + batch));
      MarkResult result = database.mark(fence, calls);
      if (!result.equals(new MarkResult(calls.size(), 0, calls.size()))) {
        throw new IllegalStateException("marking a batch of new calls gave " + result);
      }
    }
  }

  /** A pair's calls: a conversation each, 5 s long, a millisecond apart, participants of their own. */
  private static List<CallRecord> calls(int serial, long firstSequence, int count, String keyPrefix) {
    List<CallRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(MarkingBench.call(Inum.of(serial, firstSequence + i), keyPrefix + "-" + i, CallRole.MASTER,
          T0.plusMillis(firstSequence + i), serial * 10 + i));
    }
    return records;
  }
}
