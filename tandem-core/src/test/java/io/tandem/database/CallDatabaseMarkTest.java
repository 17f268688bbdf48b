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

  private InteractionView onlyInteraction() throws Exception {
    List<InteractionView> all = database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 10);
    assertThat(all).hasSize(1);
    return all.getFirst();
  }
}
