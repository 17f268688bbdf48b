package io.tandem.database;

import static io.tandem.database.CallBuilder.master;
import static io.tandem.database.CallBuilder.slave;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The statements that mark, link and settle a batch reach the rows of the batch by their indexes, however large
 * the tables and however many calls the batch holds: a plan that joins the batch to the whole of
 * {@code interactions} or {@code copies} by hash reads both tables for every batch, and did, once the call
 * database held some hundred thousand calls, making linking ten times slower for whole rounds. Each statement
 * runs in a transaction of the test's own, whose own counters ({@code pg_stat_xact_user_tables}) say whether a
 * table was read whole.
 */
class BatchStatementPlansTest {
  private static final int MAIN = 300_000;
  private static final int BACKUP = 300_001;
  /** Enough calls that a batch of {@link #BATCH} interactions is worth a scan of both tables to the planner. */
  private static final int MARKED = 40_000;
  private static final int BATCH = 2_000;

  private static DatabaseFixture fixture;
  private static CallDatabase database;
  private static Fence main;
  private static List<CallRecord> marked;

  @BeforeAll
  static void markManyCalls() throws Exception {
    fixture = DatabaseFixture.start();
    database = CallDatabase.connect(fixture.server.config(4));
    main = fixture.registerPair("pair-plans", MAIN);
    marked = new ArrayList<>(MARKED);
    for (int i = 0; i < MARKED; i++) {
      marked.add(master(MAIN, i + 1).key("conv-" + i).startMillisAfterT0(i * 10L).millis(5_000).build());
    }
    for (int from = 0; from < MARKED; from += 5_000) {
      database.mark(main, marked.subList(from, from + 5_000));
    }
    fixture.execute("ANALYZE");
  }

  @AfterAll
  static void stop() {
    database.close();
    fixture.close();
  }

  @Test
  void settlingLinkedCopiesReadsNoTableWhole() throws Exception {
    try (Connection connection = transaction()) {
      List<CallRecord> copies = backupCopies();
      long[] ids = interactionIds(connection, copies);
      MarkingStatements.copyCopies(connection, copies, ids, main.epoch(), Instant.now());

      MarkingStatements.settleAdded(connection, spans(copies, ids));

      assertThat(tablesReadWhole(connection)).isEmpty();
      connection.rollback();
    }
  }

  @Test
  void settlingChangedCopiesReadsNoTableWhole() throws Exception {
    try (Connection connection = transaction()) {
      List<CallRecord> copies = backupCopies();
      long[] ids = interactionIds(connection, copies);
      MarkingStatements.copyCopies(connection, copies, ids, main.epoch(), Instant.now());

      MarkingStatements.settle(connection, spans(copies, ids));
      MarkingStatements.updateBestCopies(connection, java.util.Arrays.stream(ids).boxed().toList());

      assertThat(tablesReadWhole(connection)).isEmpty();
      connection.rollback();
    }
  }

  @Test
  void findingTheInteractionsOfABatchReadsNoTableWhole() throws Exception {
    try (Connection connection = transaction()) {
      MarkingScope scope = new MarkingScope(new Fence(BACKUP, main.epoch()), false, MAIN, 2_000_000);

      var matches = CopyMatching.find(connection, scope, backupCopies(), call -> true);

      assertThat(matches).hasSize(BATCH);
      assertThat(tablesReadWhole(connection)).isEmpty();
      connection.rollback();
    }
  }

  @Test
  void checkingThatABatchIsMarkedAlreadyReadsNoTableWhole() throws Exception {
    try (Connection connection = transaction()) {
      List<CallRecord> again = marked.subList(MARKED / 2, MARKED / 2 + BATCH);

      assertThat(MarkingStatements.alreadyMarked(connection, again)).isEqualTo(BATCH);
      assertThat(tablesReadWhole(connection)).isEmpty();
      connection.rollback();
    }
  }

  @Test
  void markingChangedCallsAgainReadsNoTableWhole() throws Exception {
    try (Connection connection = transaction()) {
      List<CallRecord> longer = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        int of = MARKED / 2 + i;
        longer.add(master(MAIN, of + 1).key("conv-" + of).startMillisAfterT0(of * 10L).millis(9_000).build());
      }
      TreeMap<String, Span> spans = new TreeMap<>();
      longer.forEach(call -> spans.put(call.correlationKey(), new Span(call)));

      var upserted = MarkingStatements.upsertInteractions(connection, spans);
      long[] ids = longer.stream().mapToLong(call -> upserted.idByKey().get(call.correlationKey())).toArray();
      var changes = MarkingStatements.upsertCopies(connection, longer, ids, main.epoch(), Instant.now());

      assertThat(changes.inserted()).isZero();
      assertThat(changes.interactionIds()).hasSize(BATCH);
      assertThat(tablesReadWhole(connection)).isEmpty();
      connection.rollback();
    }
  }

  /** The Backup's copies of a batch of the Main's calls, a few ms apart from them, one longer than its Main's. */
  private static List<CallRecord> backupCopies() {
    List<CallRecord> copies = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      int of = MARKED / 2 + i;
      copies.add(slave(BACKUP, of + 1).key("conv-" + of).startMillisAfterT0(of * 10L + 3)
          .millis(i % 2 == 0 ? 5_000 : 7_000).build());
    }
    return copies;
  }

  private static Connection transaction() throws SQLException {
    Connection connection = java.sql.DriverManager.getConnection(fixture.server.jdbcUrl(), "postgres", "");
    connection.setAutoCommit(false);
    return connection;
  }

  private static long[] interactionIds(Connection connection, List<CallRecord> copies) throws SQLException {
    long[] ids = new long[copies.size()];
    try (var statement = connection.prepareStatement(
        "SELECT interaction_id FROM interaction_keys WHERE correlation_key = ?")) {
      for (int i = 0; i < ids.length; i++) {
        statement.setString(1, copies.get(i).correlationKey());
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          ids[i] = rows.getLong(1);
        }
      }
    }
    return ids;
  }

  private static Map<Long, Span> spans(List<CallRecord> copies, long[] ids) {
    Map<Long, Span> spans = new TreeMap<>();
    for (int i = 0; i < ids.length; i++) {
      spans.put(ids[i], new Span(copies.get(i)));
    }
    return spans;
  }

  /** The tables this transaction has read by a sequential scan so far, with how many times. */
  private static Map<String, Long> tablesReadWhole(Connection connection) throws SQLException {
    Map<String, Long> read = new TreeMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT relname, seq_scan FROM pg_stat_xact_user_tables"
            + " WHERE relname IN ('interactions', 'copies', 'interaction_keys') AND seq_scan > 0")) {
      while (rows.next()) {
        read.put(rows.getString(1), rows.getLong(2));
      }
    }
    return read;
  }
}
