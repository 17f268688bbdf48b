package io.tandem.database;

import static io.tandem.database.DatabaseFixture.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
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
    database = fixture.database;
    main = fixture.registerPair("pair-a", 100_000);
    backup = new Fence(100_001, main.epoch());
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
    assertThat(CallMarking.micros(Instant.parse("1969-12-31T23:59:59.999999500Z"))).isEqualTo(0);
    assertThat(CallMarking.micros(Instant.parse("1970-01-01T00:00:00.000001500Z"))).isEqualTo(2);
    assertThat(CallMarking.micros(Instant.parse("1970-01-01T00:00:00.000002500Z"))).isEqualTo(2);
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

  private List<InteractionView> allInteractions() throws Exception {
    return database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 10);
  }

  private InteractionView onlyInteraction() throws Exception {
    List<InteractionView> all = database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 10);
    assertThat(all).hasSize(1);
    return all.getFirst();
  }
}
