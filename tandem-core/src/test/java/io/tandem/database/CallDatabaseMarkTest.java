package io.tandem.database;

import static io.tandem.database.DatabaseFixture.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import io.tandem.call.DtmfEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallDatabaseMarkTest {
  private static DatabaseFixture fixture;
  private CallDatabase database;
  private Fence main;
  private Fence backup;

  @BeforeAll
  static void startDatabase() throws Exception {
    fixture = DatabaseFixture.start();
  }

  @AfterAll
  static void stopDatabase() {
    fixture.close();
  }

  @BeforeEach
  void registerPair() throws Exception {
    fixture.clear();
    // A connection pool of its own, so that no test inherits the marking's guess of the next batch.
    database = CallDatabase.connect(fixture.server.config(4));
    main = fixture.registerPair("pair-a", 100_000);
    backup = new Fence(100_001, main.epoch());
  }

  @AfterEach
  void closeDatabase() {
    database.close();
  }

  @Test
  void staleEpochCannotMarkAndWritesNothing() throws Exception {
    fixture.execute("UPDATE pairs SET epoch = 2 WHERE name = 'pair-a'");

    assertThatThrownBy(() -> database.mark(main, List.of(call(100_000, 1, "conv-1", 1000, CallState.COMPLETE))))
        .isInstanceOfSatisfying(FencedException.class, e -> assertThat(e.currentEpoch()).isEqualTo(2));
    assertThat(fixture.count("interactions")).isZero();
    assertThat(fixture.count("copies")).isZero();
  }

  @Test
  void currentEpochMarksAfterFailover() throws Exception {
    fixture.execute("UPDATE pairs SET epoch = 2 WHERE name = 'pair-a'");

    MarkResult result = database.mark(new Fence(100_001, 2),
        List.of(call(100_001, 1, "conv-1", 1000, CallState.COMPLETE)));

    assertThat(result).isEqualTo(new MarkResult(1, 0, 1));
  }

  @Test
  void unregisteredRecorderCannotMark() {
    assertThatThrownBy(() -> database.mark(new Fence(555_555, 1),
        List.of(call(555_555, 1, "conv-1", 1000, CallState.COMPLETE))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("555555 is not registered");
  }

  @Test
  void quirksAndDtmfOfEachCopyAreShownWhetherMarkedByCopyOrByUpsert() throws Exception {
    List<CallRecord> bulk = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      bulk.add(annotated(call(100_000, i, "conv-" + i, 1000, CallState.COMPLETE), List.of("no-metadata"),
          List.of(new DtmfEvent("7", 100 * i, 80))));
    }
    database.mark(main, bulk);
    CallRecord backupCopy = annotated(call(100_001, 1, "conv-1", 900, CallState.COMPLETE),
        List.of("codec-unsupported:G729"), List.of());
    database.mark(backup, List.of(backupCopy));

    InteractionView first = onlyInteraction("conv-1");
    assertThat(first.copies()).extracting(CopyView::quirks)
        .containsExactly(List.of("no-metadata"), List.of("codec-unsupported:G729"));
    assertThat(first.copies().getFirst().dtmf()).containsExactly(new DtmfEvent("7", 100, 80));
    assertThat(first.copies().get(1).dtmf()).isEmpty();
    assertThat(fixture.database.interaction(onlyInteraction("conv-40").id()).orElseThrow().copies().getFirst().dtmf())
        .containsExactly(new DtmfEvent("7", 4000, 80));
  }

  @Test
  void markingAgainWithANewQuirkUpdatesTheCopy() throws Exception {
    CallRecord call = annotated(call(100_000, 1, "conv-1", 1000, CallState.COMPLETE), List.of("no-metadata"),
        List.of());
    database.mark(main, List.of(call));

    MarkResult again = database.mark(main, List.of(annotated(call, List.of("no-metadata", "time-without-zone"),
        List.of(new DtmfEvent("1", 0, 40)))));

    assertThat(again.marked()).isZero();
    CopyView copy = onlyInteraction("conv-1").copies().getFirst();
    assertThat(copy.quirks()).containsExactly("no-metadata", "time-without-zone");
    assertThat(copy.dtmf()).containsExactly(new DtmfEvent("1", 0, 40));
  }

  private InteractionView onlyInteraction(String key) throws Exception {
    long id = Long.parseLong(fixture.text("SELECT id FROM interactions WHERE correlation_key = '" + key + "'"));
    return fixture.database.interaction(id).orElseThrow();
  }

  private static CallRecord annotated(CallRecord call, List<String> quirks, List<DtmfEvent> dtmf) {
    return new CallRecord(call.inum(), call.correlationKey(), call.start(), call.end(), call.callRole(), call.state(),
        call.participants(), call.streams(), call.stats(), call.mediaPath(), "", quirks, dtmf);
  }

  @Test
  void markingTwiceIsIdempotent() throws Exception {
    List<CallRecord> batch = List.of(call(100_000, 1, "conv-1", 1000, CallState.COMPLETE),
        call(100_000, 2, "conv-2", 2000, CallState.COMPLETE));

    MarkResult first = database.mark(main, batch);
    MarkResult second = database.mark(main, batch);

    assertThat(first).isEqualTo(new MarkResult(2, 0, 2));
    assertThat(second).isEqualTo(new MarkResult(0, 2, 0));
    assertThat(fixture.count("interactions")).isEqualTo(2);
    assertThat(fixture.count("copies")).isEqualTo(2);
  }

  @Test
  void duplicateInumInOneBatchCountsAsAlreadyPresent() throws Exception {
    CallRecord call = call(100_000, 1, "conv-1", 1000, CallState.COMPLETE);

    MarkResult result = database.mark(main, List.of(call, call));

    assertThat(result).isEqualTo(new MarkResult(1, 1, 1));
  }

  @Test
  void mainAndBackupCopiesMakeOneInteractionWithTwoCopies() throws Exception {
    MarkResult fromMain = database.mark(main, List.of(call(100_000, 1, "conv-1", 1000, CallState.COMPLETE)));
    MarkResult fromBackup = database.mark(backup, List.of(call(100_001, 1, "conv-1", 1000, CallState.COMPLETE)));

    assertThat(fromMain.interactionsCreated()).isEqualTo(1);
    assertThat(fromBackup).isEqualTo(new MarkResult(1, 0, 0));
    List<InteractionView> interactions = database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"),
        10);
    assertThat(interactions).singleElement().satisfies(interaction -> {
      assertThat(interaction.correlationKey()).isEqualTo("conv-1");
      assertThat(interaction.copies()).extracting(CopyView::inum)
          .containsExactly("100000000000001", "100001000000001");
      assertThat(interaction.copies()).extracting(CopyView::serial).containsExactly("100000", "100001");
      assertThat(interaction.bestInum()).isEqualTo("100000000000001");
    });
  }

  @Test
  void completeCopyBeatsLongerTruncatedCopy() throws Exception {
    database.mark(main, List.of(call(100_000, 1, "conv-1", 9000, CallState.TRUNCATED)));
    database.mark(backup, List.of(call(100_001, 1, "conv-1", 1000, CallState.COMPLETE)));

    assertThat(onlyInteraction().bestInum()).isEqualTo("100001000000001");
  }

  @Test
  void longerCopyWinsAmongCompleteCopies() throws Exception {
    database.mark(main, List.of(call(100_000, 1, "conv-1", 1000, CallState.COMPLETE)));
    database.mark(backup, List.of(call(100_001, 1, "conv-1", 1500, CallState.COMPLETE)));

    assertThat(onlyInteraction().bestInum()).isEqualTo("100001000000001");
  }

  @Test
  void remarkingWithBetterFiguresMovesTheBestCopy() throws Exception {
    database.mark(main, List.of(call(100_000, 1, "conv-1", 1000, CallState.TRUNCATED)));
    database.mark(backup, List.of(call(100_001, 1, "conv-1", 500, CallState.COMPLETE)));
    database.mark(main, List.of(call(100_000, 1, "conv-1", 1000, CallState.COMPLETE)));

    assertThat(onlyInteraction().bestInum()).isEqualTo("100000000000001");
  }

  @Test
  void concurrentMarkingOfOneConversationMakesOneInteraction() throws Exception {
    int conversations = 200;
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<MarkResult> fromMain = threads.submit(markAll(start, main, conversations));
      Future<MarkResult> fromBackup = threads.submit(markAll(start, backup, conversations));

      int created = fromMain.get().interactionsCreated() + fromBackup.get().interactionsCreated();
      assertThat(created).isEqualTo(conversations);
    } finally {
      threads.shutdownNow();
    }
    assertThat(fixture.count("interactions")).isEqualTo(conversations);
    assertThat(fixture.count("copies")).isEqualTo(2L * conversations);
  }

  @Test
  void correlationKeyWithTabsNewlinesAndBackslashesIsStoredUnchanged() throws Exception {
    String key = "sess\\ion\t1\nline\r\\N";

    MarkResult result = database.mark(main, List.of(call(100_000, 1, key, 1000, CallState.COMPLETE)));

    assertThat(result).isEqualTo(new MarkResult(1, 0, 1));
    assertThat(onlyInteraction().correlationKey()).isEqualTo(key);
  }

  @Test
  void batchWithManyCopiesOfOneConversationKeepsItsBestCopy() throws Exception {
    MarkResult result = database.mark(main, List.of(call(100_000, 1, "conv-1", 3000, CallState.TRUNCATED),
        call(100_000, 2, "conv-1", 1000, CallState.COMPLETE), call(100_000, 3, "conv-1", 2000, CallState.COMPLETE)));

    assertThat(result).isEqualTo(new MarkResult(3, 0, 1));
    assertThat(onlyInteraction().bestInum()).isEqualTo("100000000000003");
  }

  @Test
  void largeBatchIsMarkedInOneCall() throws Exception {
    List<CallRecord> batch = new ArrayList<>();
    for (int i = 1; i <= 5000; i++) {
      batch.add(call(100_000, i, "conv-" + i, 1000 + i, CallState.COMPLETE));
    }

    assertThat(database.mark(main, batch)).isEqualTo(new MarkResult(5000, 0, 5000));
    assertThat(fixture.count("copies")).isEqualTo(5000);
  }

  @Test
  void secondCopyInALaterBatchIsLinkedAndBecomesBestBesideNewConversations() throws Exception {
    database.mark(main, List.of(call(100_000, 1, "conv-1", 9000, CallState.TRUNCATED)));

    MarkResult later = database.mark(backup, List.of(call(100_001, 1, "conv-1", 1000, CallState.COMPLETE),
        call(100_001, 2, "conv-2", 2000, CallState.COMPLETE)));

    assertThat(later).isEqualTo(new MarkResult(2, 0, 1));
    List<InteractionView> all = allInteractions();
    assertThat(all).extracting(InteractionView::correlationKey).containsExactlyInAnyOrder("conv-1", "conv-2");
    InteractionView first = all.stream().filter(i -> i.correlationKey().equals("conv-1")).findFirst().orElseThrow();
    InteractionView second = all.stream().filter(i -> i.correlationKey().equals("conv-2")).findFirst().orElseThrow();
    assertThat(first.copies()).extracting(CopyView::inum).containsExactly("100000000000001", "100001000000001");
    assertThat(first.bestInum()).isEqualTo("100001000000001");
    assertThat(second.copies()).extracting(CopyView::inum).containsExactly("100001000000002");
    assertThat(second.bestInum()).isEqualTo("100001000000002");
  }

  @Test
  void secondCopyInTheSameBatchIsBestWhenLonger() throws Exception {
    MarkResult result = database.mark(main, List.of(call(100_000, 1, "conv-1", 1000, CallState.COMPLETE),
        call(100_001, 1, "conv-1", 1500, CallState.COMPLETE)));

    assertThat(result).isEqualTo(new MarkResult(2, 0, 1));
    assertThat(onlyInteraction().copies()).hasSize(2);
    assertThat(onlyInteraction().bestInum()).isEqualTo("100001000000001");
  }

  @Test
  void laterCopyThatStartedEarlierAndEndedLaterWidensTheInteraction() throws Exception {
    CallRecord fromMain = call(100_000, 1, "conv-1", 1000, CallState.COMPLETE);
    CallRecord fromBackup = new CallRecord(io.tandem.call.Inum.of(100_001, 1), "conv-1",
        DatabaseFixture.T0.minusMillis(300), DatabaseFixture.T0.plusMillis(1800), io.tandem.call.CallRole.SLAVE,
        CallState.COMPLETE, List.of(), List.of(), new io.tandem.call.MediaStats(105, 0, 16_800, 2100), "m.wav");

    database.mark(main, List.of(fromMain));
    database.mark(backup, List.of(fromBackup));

    assertThat(onlyInteraction().start()).isEqualTo(DatabaseFixture.T0.minusMillis(300));
    assertThat(onlyInteraction().end()).isEqualTo(DatabaseFixture.T0.plusMillis(1800));
    assertThat(onlyInteraction().bestInum()).isEqualTo("100001000000001");
  }

  @Test
  void remarkingUnchangedCallsRewritesNoRow() throws Exception {
    List<CallRecord> batch = List.of(call(100_000, 1, "conv-1", 1000, CallState.COMPLETE),
        call(100_001, 1, "conv-1", 1000, CallState.COMPLETE), call(100_000, 2, "conv-2", 2000, CallState.COMPLETE));
    database.mark(main, batch);
    String versions = "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM interactions";
    String copyVersions = "SELECT string_agg(xmin::text, ',' ORDER BY inum) FROM copies";
    String before = fixture.text(versions) + "/" + fixture.text(copyVersions);

    MarkResult again = database.mark(main, batch);

    assertThat(again).isEqualTo(new MarkResult(0, 3, 0));
    assertThat(fixture.text(versions) + "/" + fixture.text(copyVersions)).isEqualTo(before);
  }

  @Test
  void timesAreStoredToTheMicrosecondRoundedAsPostgresqlRoundsText() throws Exception {
    Instant start = Instant.parse("2026-11-26T14:30:00.123456789Z");
    CallRecord call = new CallRecord(io.tandem.call.Inum.of(100_000, 1), "conv-1", start, start.plusNanos(500),
        io.tandem.call.CallRole.MASTER, CallState.COMPLETE, List.of(), List.of(),
        new io.tandem.call.MediaStats(0, 0, 0, 0), "m.wav");

    database.mark(main, List.of(call));

    assertThat(onlyInteraction().start()).isEqualTo(Instant.parse("2026-11-26T14:30:00.123457Z"));
    assertThat(onlyInteraction().end()).isEqualTo(Instant.parse("2026-11-26T14:30:00.123457Z"));
    assertThat(CallColumns.micros(Instant.parse("1969-12-31T23:59:59.999999500Z"))).isEqualTo(0);
    assertThat(CallColumns.micros(Instant.parse("1970-01-01T00:00:00.000001500Z"))).isEqualTo(2);
    assertThat(CallColumns.micros(Instant.parse("1970-01-01T00:00:00.000002500Z"))).isEqualTo(2);
  }

  @Test
  void interactionWithCopiesCannotBeDeletedNorRenumbered() throws Exception {
    database.mark(main, List.of(call(100_000, 1, "conv-1", 1000, CallState.COMPLETE)));

    assertThatThrownBy(() -> fixture.execute("DELETE FROM interactions"))
        .isInstanceOfSatisfying(java.sql.SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23503"));
    assertThatThrownBy(() -> fixture.execute("UPDATE interactions SET id = id + 100"))
        .isInstanceOfSatisfying(java.sql.SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23503"));
    assertThat(fixture.count("interactions")).isEqualTo(1);
    assertThat(onlyInteraction().copies()).hasSize(1);
  }

  private Callable<MarkResult> markAll(CyclicBarrier start, Fence fence, int conversations) {
    return () -> {
      List<CallRecord> batch = new ArrayList<>();
      for (int i = 1; i <= conversations; i++) {
        batch.add(call(fence.serial(), i, "conv-" + i, 1000, CallState.COMPLETE));
      }
      start.await();
      return database.mark(fence, batch);
    };
  }

  /**
   * Every copy and its interaction, one line each by INUM: all a marking writes but the time it was marked.
   */
  private static final String DUMP = """
      SELECT string_agg(concat_ws('|', i.correlation_key, i.start_time, i.end_time, i.participants::text,
        i.best_inum, c.inum, c.serial, c.call_role, c.complete, c.duration_ms, c.media_bytes,
        c.packets_received, c.packets_lost, c.start_time, c.end_time, c.marked_epoch), E'\\n'
        ORDER BY c.inum)
      FROM copies c JOIN interactions i ON i.id = c.interaction_id""";

  /**
   * 41 calls of 40 conversations, all recorded as primary (so that the batch may take the COPY path), with what
   * a batch can hold that is awkward to store: times to the nanosecond, no end, characters COPY escapes,
   * participants with quotes and a join time, two copies of a conversation in one batch (whose best copy and
   * participants are chosen inside the batch).
   */
  private static List<CallRecord> awkwardBatch() {
    List<CallRecord> calls = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      Instant start = Instant.parse("2026-11-26T14:30:00.123456789Z").plusSeconds(i);
      calls.add(new CallRecord(io.tandem.call.Inum.of(i % 2 == 0 ? 100_000 : 100_001, i),
          "conv-" + i + (i % 5 == 0 ? "\t\\N\u00e9\u4e2d" : ""), start,
          i % 7 == 0 ? null : start.plusNanos(1_500L * i + 500), io.tandem.call.CallRole.MASTER,
          i % 7 == 0 ? CallState.RECORDING : i % 3 == 0 ? CallState.TRUNCATED : CallState.COMPLETE,
          List.of(new io.tandem.call.Participant("p1", "sip:al\"ice@example.com", "Al\u00efce \\ \"A\""),
              new io.tandem.call.Participant("p2", "sip:bob@example.com", "", start.plusMillis(5), null)),
          List.of(), new io.tandem.call.MediaStats(i, i % 4, 8L * i, 20L * i), "media/" + i + ".wav"));
    }
    calls.add(2, recordedAsPrimary(call(100_001, 99, "conv-2", 50_000, CallState.COMPLETE)));
    return calls;
  }

  @Test
  void bulkBatchStoresExactlyWhatTheStatementsStore() throws Exception {
    List<CallRecord> calls = awkwardBatch();
    long copiedBefore = database.copiedBatches();

    MarkResult bulk = database.mark(main, calls);
    String byCopy = fixture.text(DUMP);
    fixture.clear();
    main = fixture.registerPair("pair-a", 100_000);
    for (int from = 0; from < calls.size(); from += 10) {
      database.mark(main, calls.subList(from, Math.min(calls.size(), from + 10)));
    }
    String byStatements = fixture.text(DUMP);

    assertThat(database.copiedBatches()).isEqualTo(copiedBefore + 1);
    assertThat(bulk).isEqualTo(new MarkResult(41, 0, 40));
    assertThat(byCopy).isEqualTo(byStatements).contains("conv-5\t\\N\u00e9\u4e2d", "Al\u00efce");
    assertThat(byCopy.lines()).hasSize(41);
  }

  @Test
  void aBatchMarkedBeforeAndUnchangedIsFoundSoByAReadThatLocksAndWritesNoRow() throws Exception {
    List<CallRecord> calls = awkwardBatch();
    database.mark(main, calls);
    String marked = fixture.text(DUMP);
    database.mark(main, calls); // the upserts find nothing to add, so the next batch is read first
    String rowVersions = rowVersions();
    long readBefore = database.alreadyMarkedBatches();

    MarkResult again = database.mark(main, calls);

    assertThat(again).isEqualTo(new MarkResult(0, 41, 0));
    assertThat(database.alreadyMarkedBatches()).isEqualTo(readBefore + 1);
    assertThat(fixture.text(DUMP)).isEqualTo(marked);
    assertThat(rowVersions()).as("no row of interactions or copies locked or written").isEqualTo(rowVersions);
  }

  @Test
  void aBatchMarkedBeforeWithAnyCallChangedOrNewGoesThroughTheUpserts() throws Exception {
    List<CallRecord> calls = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      CallRecord call = call(100_000, i, "conv-" + i, 1000, CallState.COMPLETE);
      calls.add(i == 9 ? withoutParticipants(call) : call);
    }
    database.mark(main, calls);
    database.mark(main, calls);
    long readBefore = database.alreadyMarkedBatches();

    // The call ends later and holds more audio.
    calls.set(6, call(100_000, 7, "conv-7", 2000, CallState.COMPLETE));
    MarkResult longer = database.mark(main, calls);
    // The conversation had no participants; the call brings them.
    calls.set(8, call(100_000, 9, "conv-9", 1000, CallState.COMPLETE));
    MarkResult named = database.mark(main, calls);
    // The Backup's copy of a conversation the Main marked.
    calls.add(call(100_001, 3, "conv-3", 1000, CallState.COMPLETE));
    MarkResult linked = database.mark(main, calls);
    long readAfterChanges = database.alreadyMarkedBatches();
    database.mark(main, calls); // after a batch that added, the guess is the upserts again; they find nothing
    MarkResult unchanged = database.mark(main, calls);

    assertThat(List.of(longer, named, linked)).containsExactly(new MarkResult(0, 40, 0), new MarkResult(0, 40, 0),
        new MarkResult(1, 40, 0));
    assertThat(readAfterChanges).as("no change taken for marked by the read").isEqualTo(readBefore);
    assertThat(unchanged).isEqualTo(new MarkResult(0, 41, 0));
    assertThat(database.alreadyMarkedBatches()).isEqualTo(readBefore + 1);
    assertThat(fixture.text("SELECT concat_ws('|', c.duration_ms, c.media_bytes, i.end_time - i.start_time)"
        + " FROM copies c JOIN interactions i ON i.id = c.interaction_id WHERE c.inum = 100000000000007"))
        .isEqualTo("2000|16000|00:00:02");
    assertThat(fixture.text("SELECT participants::text FROM interactions WHERE correlation_key = 'conv-9'"))
        .contains("Alice");
    assertThat(fixture.text("SELECT string_agg(inum::text, ',' ORDER BY inum) FROM copies c JOIN interactions i"
        + " ON i.id = c.interaction_id WHERE i.correlation_key = 'conv-3'"))
        .isEqualTo("100000000000003,100001000000003");
  }

  /** Each row's version and locker: they change whenever a statement writes or locks the row. */
  private static String rowVersions() throws Exception {
    return fixture.text("SELECT string_agg(xmin::text || '/' || xmax::text, ',' ORDER BY id) FROM interactions")
        + fixture.text("SELECT string_agg(xmin::text || '/' || xmax::text, ',' ORDER BY inum) FROM copies");
  }

  private static CallRecord recordedAsPrimary(CallRecord call) {
    return new CallRecord(call.inum(), call.correlationKey(), call.start(), call.end(), io.tandem.call.CallRole.MASTER,
        call.state(), call.participants(), call.streams(), call.stats(), call.mediaPath());
  }

  private static CallRecord withoutParticipants(CallRecord call) {
    return new CallRecord(call.inum(), call.correlationKey(), call.start(), call.end(), call.callRole(),
        call.state(), List.of(), call.streams(), call.stats(), call.mediaPath());
  }

  @Test
  void bulkBatchWithAConversationMarkedBeforeLinksItsCopyInsteadOfAddingAnInteraction() throws Exception {
    database.mark(backup, List.of(call(100_001, 5, "conv-5", 9000, CallState.TRUNCATED)));
    List<CallRecord> fromMain = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      fromMain.add(call(100_000, i, "conv-" + i, 1000, CallState.COMPLETE));
    }
    long copiedBefore = database.copiedBatches();
    long fallbacksBefore = database.copyFallbacks();

    MarkResult result = database.mark(main, fromMain);
    MarkResult again = database.mark(main, fromMain);

    assertThat(result).isEqualTo(new MarkResult(40, 0, 39));
    assertThat(again).isEqualTo(new MarkResult(0, 40, 0));
    assertThat(database.copiedBatches()).isEqualTo(copiedBefore);
    assertThat(database.copyFallbacks()).isEqualTo(fallbacksBefore + 1);
    assertThat(fixture.count("interactions")).isEqualTo(40);
    assertThat(fixture.count("copies")).isEqualTo(41);
    InteractionView five = allInteractions().stream().filter(i -> i.correlationKey().equals("conv-5"))
        .findFirst().orElseThrow();
    assertThat(five.copies()).extracting(CopyView::inum).containsExactly("100000000000005", "100001000000005");
    assertThat(five.bestInum()).isEqualTo("100000000000005");
  }

  @Test
  void afterABatchOfKnownConversationsANewBulkBatchIsCopiedAgain() throws Exception {
    List<CallRecord> first = new ArrayList<>();
    List<CallRecord> second = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      first.add(call(100_000, i, "conv-" + i, 1000, CallState.COMPLETE));
      second.add(call(100_000, 100 + i, "conv-" + (100 + i), 1000, CallState.COMPLETE));
    }
    database.mark(main, first);
    database.mark(main, first);
    long copiedBefore = database.copiedBatches();
    long fallbacksBefore = database.copyFallbacks();

    database.mark(main, second.subList(0, 10)); // all new, by statements: the next batch tries COPY again
    MarkResult bulk = database.mark(main, second.subList(10, 50));
    MarkResult bulkAgain = database.mark(main, second);

    assertThat(bulk).isEqualTo(new MarkResult(40, 0, 40));
    assertThat(bulkAgain).isEqualTo(new MarkResult(0, 50, 0));
    assertThat(fixture.count("interactions")).isEqualTo(100);
    assertThat(fixture.count("copies")).isEqualTo(100);
    assertThat(database.copiedBatches()).isEqualTo(copiedBefore + 1);
    assertThat(database.copyFallbacks()).isEqualTo(fallbacksBefore + 1);
  }

  @Test
  void largeBatchMarkedInTwoHalvesGivesOneResultAndLinksWhatWasMarkedBefore() throws Exception {
    // Conversations before and after the middle key were marked before: each half meets one of them.
    database.mark(backup, List.of(call(100_001, 3, "conv-0003", 9000, CallState.TRUNCATED),
        call(100_001, 900, "conv-0900", 9000, CallState.TRUNCATED)));
    List<CallRecord> fromMain = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      fromMain.add(call(100_000, i, "conv-%04d".formatted(i), 1000, CallState.COMPLETE));
    }
    fromMain.add(call(100_000, 5000, "conv-0500", 3000, CallState.COMPLETE)); // two copies in one half

    MarkResult result = database.mark(main, fromMain);
    MarkResult again = database.mark(main, fromMain);

    assertThat(result).isEqualTo(new MarkResult(1001, 0, 998));
    assertThat(again).isEqualTo(new MarkResult(0, 1001, 0));
    assertThat(fixture.count("interactions")).isEqualTo(1000);
    assertThat(fixture.count("copies")).isEqualTo(1003);
    assertThat(fixture.text("SELECT count(*) FROM interactions i JOIN copies c ON c.inum = i.best_inum"
        + " WHERE c.interaction_id = i.id AND c.serial = 100000 AND c.complete")).isEqualTo("1000");
    assertThat(fixture.text("SELECT best_inum FROM interactions WHERE correlation_key = 'conv-0500'"))
        .isEqualTo("100000000005000");
  }

  private List<InteractionView> allInteractions() throws Exception {
    return database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 10);
  }

  private InteractionView onlyInteraction() throws Exception {
    List<InteractionView> all = database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 10);
    assertThat(all).hasSize(1);
    return all.getFirst();
  }
}
