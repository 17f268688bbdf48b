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
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;

/**
 * Calls marked per second by the call database's batch marking, and copies linked per second by the secondary's
 * gap audit, against a raw COPY of the same number of rows in one transaction into a table with the columns and
 * indexes of {@code copies} (its foreign key aside), all measured in one run on one embedded PostgreSQL. Each
 * marked call writes an interaction and a copy; the baseline writes only the copy-shaped row. After each round
 * the same calls are marked again, as a reprocess does: idempotent, it changes no row, and is reported beside
 * the figure. Once every round is marked, the Backup's copies of each round's conversations are linked in the
 * gap audit's batches, each round against a raw COPY of its own: a third of them under the same session id as
 * the Main's (found by key), a third under a session id of their own (found by participants and start); the last
 * third, also under session ids of their own, is marked instead, as a promotion marks the Backup's copies, so that
 * linking by participants is set beside marking the same kind of copies in the same run. Last, participants who call
 * all day (one key, a call a minute for two days, as a withheld number into one queue number makes) have their
 * Backup's copies linked by participants, against copies of participants of their own. Linking
 * comes after all the marking so that its updates (and the vacuum they call for) do not weigh on the marking
 * figure. A first round of the same size warms up the JVM and the server and is not counted. Every call has
 * participants of its own, as real calls do.
 *
 * <p>Run: {@code bench/run marking [CALLS] [BATCH] [ROUNDS] [MONTHS]} (defaults 100000; 5000, the batch in which the
 * Workflow marks a backlog; 3; 24). The call database holds MONTHS months (each a partition of interactions and one
 * of copies), the calls' own the newest, as two years of a site's calls do. Prints each round and the medians.
 */
public final class MarkingBench {
  static final int SERIAL = 900_001;
  static final int BACKUP = 900_002;
  /** Calls of the participants who call all day: two days of a call a minute. */
  private static final int ALL_DAY_CALLS = 3_000;
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  /** Makes the month of the calls and the {@code months - 1} months before it, as the Manager would have. */
  static void makeMonths(EmbeddedDatabase postgres, int months) throws Exception {
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("SELECT create_call_month(m) FROM generate_series(call_month(timestamptz '%s') - %d,"
          .formatted(T0, months - 1) + " call_month(timestamptz '%s')) m".formatted(T0));
      try (var rows = statement.executeQuery("SELECT count(*) FROM call_months")) {
        rows.next();
        System.out.printf("call database: %d months, the calls in %s%n", rows.getLong(1),
            T0.toString().substring(0, 7));
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int months = args.length > 3 ? Integer.parseInt(args[3]) : 24;
    Path dir = Files.createTempDirectory("tandem-marking-bench");
    try {
      run(dir, calls, batch, rounds, months);
    } finally {
      RebuildBench.deleteTree(dir);
    }
  }

  private static void run(Path dir, int calls, int batch, int rounds, int months) throws Exception {
    try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0);
        CallDatabase database = CallDatabase.connect(postgres.config(4))) {
      database.migrate();
      makeMonths(postgres, months);
      RecorderAssignment assignment = database.register(new RecorderRegistration(SERIAL, "bench", Position.MAIN,
          "http://127.0.0.1:1", "127.0.0.1:2"));
      database.register(new RecorderRegistration(BACKUP, "bench", Position.BACKUP, "http://127.0.0.1:3",
          "127.0.0.1:4"));
      Fence main = new Fence(SERIAL, assignment.epoch());
      Fence backup = new Fence(BACKUP, assignment.epoch());
      double[] copyRates = new double[rounds];
      double[] markRates = new double[rounds];
      double[] remarkRates = new double[rounds];
      double[] linkCopyRates = new double[rounds];
      double[] linkByKeyRates = new double[rounds];
      double[] linkByParticipantsRates = new double[rounds];
      double[] promoteByParticipantsRates = new double[rounds];
      List<List<CallRecord>> marked = new ArrayList<>();
      long sequence = 1;
      // One round first, not counted, so that neither the JVM nor the server is measured cold.
      rawCopy(postgres.jdbcUrl(), calls, rounds);
      List<CallRecord> warmUp = mainCalls(sequence, calls, "warm-up", 0);
      sequence += calls;
      markAll(database, main, warmUp, batch, true);
      markAll(database, main, warmUp, batch, false);
      linkAll(database, backup, backupCopies(warmUp, 0, calls / 3, true));
      linkAll(database, backup, backupCopies(warmUp, calls / 3, 2 * calls / 3, false));
      promoteAll(database, backup, backupCopies(warmUp, 2 * calls / 3, calls, false));
      for (int round = 0; round < rounds; round++) {
        copyRates[round] = rawCopy(postgres.jdbcUrl(), calls, round);
        List<CallRecord> records = mainCalls(sequence, calls, "bench-" + round, round + 1);
        sequence += calls;
        markRates[round] = markAll(database, main, records, batch, true);
        remarkRates[round] = markAll(database, main, records, batch, false);
        marked.add(records);
        System.out.printf("round %d: raw COPY %.0f rows/s, marking %.0f calls/s, re-marking %.0f calls/s (batch %d)%n",
            round + 1, copyRates[round], markRates[round], remarkRates[round], batch);
      }
      for (int round = 0; round < rounds; round++) {
        linkCopyRates[round] = rawCopy(postgres.jdbcUrl(), calls, rounds + round);
        List<CallRecord> records = marked.get(round);
        linkByKeyRates[round] = linkAll(database, backup, backupCopies(records, 0, calls / 3, true));
        linkByParticipantsRates[round] = linkAll(database, backup,
            backupCopies(records, calls / 3, 2 * calls / 3, false));
        promoteByParticipantsRates[round] = promoteAll(database, backup,
            backupCopies(records, 2 * calls / 3, calls, false));
        System.out.printf("linking round %d: raw COPY %.0f rows/s, linking %.0f copies/s by key, %.0f copies/s by"
            + " participants; marking the same kind of copies (a promotion) %.0f copies/s (batch %d)%n", round + 1,
            linkCopyRates[round], linkByKeyRates[round], linkByParticipantsRates[round],
            promoteByParticipantsRates[round], GapAudit.BATCH);
      }
      // Participants who call all day: one participants key (a withheld number into one queue number), a call a
      // minute for two days, each Backup copy under a session id of its own.
      List<CallRecord> allDay = allDayCalls(sequence, ALL_DAY_CALLS);
      sequence += ALL_DAY_CALLS;
      markAll(database, main, allDay, batch, true);
      List<CallRecord> allDayCopies = new ArrayList<>(ALL_DAY_CALLS);
      for (CallRecord call : allDay) {
        allDayCopies.add(new CallRecord(Inum.of(BACKUP, call.inum().sequence()), "backup-" + call.correlationKey(),
            call.start().plusMillis(3), call.end().plusMillis(3), CallRole.SLAVE, CallState.COMPLETE,
            call.participants(), call.streams(), call.stats(), "calls/backup-" + call.inum() + ".wav"));
      }
      double allDayRate = linkAll(database, backup, allDayCopies);
      double copy = median(copyRates);
      double mark = median(markRates);
      System.out.println("baseline: raw COPY, in one transaction, into a table with the columns and indexes of copies");
      System.out.printf("median: raw COPY %.0f rows/s, marking %.0f calls/s, ratio %.2f (goal >= 0.33)%n", copy, mark,
          mark / copy);
      double remark = median(remarkRates);
      System.out.printf("median: re-marking the same calls %.0f calls/s, ratio %.2f%n", remark, remark / copy);
      double linkCopy = median(linkCopyRates);
      double byKey = median(linkByKeyRates);
      double byParticipants = median(linkByParticipantsRates);
      System.out.printf("median: raw COPY %.0f rows/s, linking the Backup's copies %.0f copies/s by key, ratio %.2f;"
          + " %.0f copies/s by participants, ratio %.2f%n", linkCopy, byKey, byKey / linkCopy, byParticipants,
          byParticipants / linkCopy);
      double promoted = median(promoteByParticipantsRates);
      System.out.printf("median: marking the Backup's copies found by participants, as a promotion does, %.0f"
          + " copies/s, ratio %.2f; linking them is %.2f x that%n", promoted, promoted / linkCopy,
          byParticipants / promoted);
      System.out.printf("participants who call all day (one key, a call a minute, %d calls): linking their Backup's"
          + " copies %.0f copies/s, %.2f x linking copies of participants of their own%n", ALL_DAY_CALLS, allDayRate,
          allDayRate / byParticipants);
      System.out.printf("median of the rounds' own ratios: marking %.2f (goal >= 0.33), linking by key %.2f, by"
          + " participants %.2f, promoting by participants %.2f%n", medianRatio(markRates, copyRates),
          medianRatio(linkByKeyRates, linkCopyRates), medianRatio(linkByParticipantsRates, linkCopyRates),
          medianRatio(promoteByParticipantsRates, linkCopyRates));
    }
  }

  /** Each round's figure against its own COPY, measured moments apart: steadier on a busy machine. */
  private static double medianRatio(double[] rates, double[] copyRates) {
    double[] ratios = new double[rates.length];
    for (int round = 0; round < rates.length; round++) {
      ratios[round] = rates[round] / copyRates[round];
    }
    return median(ratios);
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

  /** Links the copies in the gap audit's batches, as it does, and insists that each was linked; copies/s. */
  private static double linkAll(CallDatabase database, Fence fence, List<CallRecord> copies) throws Exception {
    long start = System.nanoTime();
    for (int from = 0; from < copies.size(); from += GapAudit.BATCH) {
      List<CallRecord> calls = copies.subList(from, Math.min(copies.size(), from + GapAudit.BATCH));
      LinkResult result = database.link(fence, calls, Set.of());
      if (result.linked() != calls.size()) {
        throw new IllegalStateException("linking a batch of " + calls.size() + " gave " + result);
      }
    }
    return copies.size() / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Marks the Backup's copies in the gap audit's batches, as a promotion does (each copy joins the Main's
   * interaction it is found to be a copy of, and none is created), and insists on it; copies/s.
   */
  private static double promoteAll(CallDatabase database, Fence fence, List<CallRecord> copies) throws Exception {
    long start = System.nanoTime();
    for (int from = 0; from < copies.size(); from += GapAudit.BATCH) {
      List<CallRecord> calls = copies.subList(from, Math.min(copies.size(), from + GapAudit.BATCH));
      MarkResult result = database.mark(fence, calls);
      if (!result.equals(new MarkResult(calls.size(), 0, 0))) {
        throw new IllegalStateException("promoting a batch of " + calls.size() + " gave " + result);
      }
    }
    return copies.size() / ((System.nanoTime() - start) / 1e9);
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
      StringBuilder csv = new StringBuilder(rows * 140);
      for (int i = 0; i < rows; i++) {
        csv.append((long) round * rows + i + 1).append(',').append(i + 1).append(",baseline-").append(i).append(',')
            .append(SERIAL).append(",MASTER,true,5000,80000,500,0,").append(T0.plusSeconds(i)).append(',')
            .append(T0.plusSeconds(i + 5)).append(",1,").append(T0).append('\n');
      }
      long begin = System.nanoTime();
      ((PGConnection) connection).getCopyAPI().copyIn("COPY copy_baseline (inum, interaction_id, correlation_key,"
          + " serial, call_role, complete, duration_ms, media_bytes, packets_received, packets_lost, start_time,"
          + " end_time, marked_epoch, marked_at) FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
      return rows / ((System.nanoTime() - begin) / 1e9);
    }
  }

  /** Calls of one participants key, a minute apart and 30 s long, as a withheld number into one queue makes. */
  static List<CallRecord> allDayCalls(long firstSequence, int count) {
    List<CallRecord> records = new ArrayList<>(count);
    Instant first = T0.minus(java.time.Duration.ofDays(10));
    for (int i = 0; i < count; i++) {
      Instant start = first.plusSeconds(60L * i);
      records.add(new CallRecord(Inum.of(SERIAL, firstSequence + i), "all-day-" + i, start, start.plusSeconds(30),
          CallRole.MASTER, CallState.COMPLETE,
          List.of(new Participant("p1", "sip:anonymous@anonymous.invalid", "Anonymous"),
              new Participant("p2", "sip:+15550100@queue.example", "Sales")),
          List.of(new StreamInfo("1", 0, "p1", "PCMU"), new StreamInfo("2", 1, "p2", "PCMU")),
          new MediaStats(500, 0, 160_000, 5_000), "calls/" + Inum.of(SERIAL, firstSequence + i) + ".wav"));
    }
    return records;
  }

  /** The Main's calls of one round: a conversation each, 5 s long, a millisecond apart, participants their own. */
  static List<CallRecord> mainCalls(long firstSequence, int count, String keyPrefix, int round) {
    List<CallRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(call(Inum.of(SERIAL, firstSequence + i), keyPrefix + "-" + i, CallRole.MASTER,
          T0.plusSeconds(round * 1000L).plusMillis(i), i));
    }
    return records;
  }

  /** The Backup's copies of the Main's calls {@code [from, to)}, under the same session ids or their own. */
  static List<CallRecord> backupCopies(List<CallRecord> mainCalls, int from, int to, boolean sameKey) {
    List<CallRecord> copies = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      CallRecord call = mainCalls.get(i);
      // Either recorder may take the INVITE first: half the Backup's copies start before the Main's, which moves
      // their interaction's start when they are linked.
      copies.add(call(Inum.of(BACKUP, call.inum().sequence()), sameKey ? call.correlationKey()
          : "backup-" + call.correlationKey(), CallRole.SLAVE, call.start().plusMillis(i % 2 == 0 ? 3 : -3), i));
    }
    return copies;
  }

  static CallRecord call(Inum inum, String key, CallRole role, Instant start, int party) {
    return new CallRecord(inum, key, start, start.plusSeconds(5), role, CallState.COMPLETE,
        List.of(new Participant("p1", "sip:+1555%07d@caller.example".formatted(party), "Caller"),
            new Participant("p2", "sip:agent" + party % 500 + "@callee.example", "Agent")),
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
