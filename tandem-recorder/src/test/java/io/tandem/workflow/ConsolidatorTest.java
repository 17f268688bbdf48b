package io.tandem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.archive.Archive;
import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchiveUnavailableException;
import io.tandem.archive.ArchivedCopy;
import io.tandem.media.MediaChannel;
import io.tandem.archive.FilesystemArchive;
import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.database.Fence;
import io.tandem.database.FencedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsolidatorTest {
  /** Small, so that several batches and a backlog take few calls. */
  private static final int BATCH = 200;
  private static final Instant START = TestCalls.START;

  @TempDir
  Path dataDir;
  private LocalStore store;
  private CallBuffer buffer;
  private Workflow workflow;
  private final FakeCallDatabase database = new FakeCallDatabase();
  private final AtomicReference<Fence> fence = new AtomicReference<>(new Fence(123456, 1));
  private final List<FencedException> refusals = new CopyOnWriteArrayList<>();
  private final List<Inum> markedReported = new CopyOnWriteArrayList<>();
  private final Map<Inum, WorkflowState> stateWhenReported = new java.util.concurrent.ConcurrentHashMap<>();
  private Consolidator consolidator;
  /** The archive of folders, or a target that cannot take copies while {@code targetDown} is set. */
  private final AtomicReference<String> targetDown = new AtomicReference<>();
  private final Archive archive = new Archive() {
    private final FilesystemArchive folders = new FilesystemArchive();

    @Override
    public ArchivedCopy copy(Path source, ArchiveRule rule, Inum inum, Instant start) throws IOException {
      String down = targetDown.get();
      if (down != null) {
        throw new ArchiveUnavailableException(down);
      }
      return folders.copy(source, rule, inum, start);
    }

    @Override
    public MediaChannel open(String location) throws IOException {
      return folders.open(location);
    }
  };

  @BeforeEach
  void startConsolidator() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, 123456, null), Clock.systemUTC());
    workflow = new Workflow(store, Clock.systemUTC());
    consolidator = Consolidator.builder().workflow(workflow).callBuffer(buffer).dataDir(dataDir)
        .marker(database).ledger(database).fences(fence::get).retryable(e -> e instanceof SQLTransientException)
        .archive(archive)
        .ruleCacheTtl(Duration.ZERO).markingBatch(BATCH).listener(new ConsolidationListener() {
          @Override
          public void onFenced(FencedException refusal) {
            refusals.add(refusal);
          }

          @Override
          public void onMarked(List<Inum> inums) {
            inums.forEach(inum -> stateWhenReported.put(inum, workflow.state(inum).orElseThrow()));
            markedReported.addAll(inums);
          }
        }).build();
    consolidator.start();
    consolidator.setActive(true);
  }

  @AfterEach
  void stopConsolidator() throws InterruptedException {
    consolidator.stop();
    store.close();
  }

  @Test
  void consolidationMarksAndArchivesWithMatchingChecksum() throws IOException {
    Path archiveRoot = dataDir.resolve("archive");
    database.rules.add(new ArchiveRule(1, "everything", null, 0, archiveRoot, true));
    CallRecord call = finishedCall(16_000);

    workflow.submit(call.inum());

    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(call.inum()).orElseThrow() == WorkflowState.DONE);
    Path copy = archiveRoot.resolve("2026/11/26/" + call.inum() + ".wav");
    String sourceSum = FilesystemArchive.sha256(dataDir.resolve(call.mediaPath()));
    assertThat(FilesystemArchive.sha256(copy)).isEqualTo(sourceSum);
    assertThat(database.archivedSums).containsEntry(call.inum(), sourceSum);
    assertThat(database.marks).containsEntry(call.inum(), 1);
    assertThat(markedReported).containsExactly(call.inum());
    assertThat(consolidator.counters().marked()).isEqualTo(1);
    assertThat(consolidator.counters().archived()).isEqualTo(1);
  }

  @Test
  void retryableOutageBacksOffThenMarksEveryCallOnce() throws IOException {
    database.outagesLeft = 3;
    List<Inum> inums = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inums.add(finishedCall(1_600 * (i + 1)).inum());
    }

    workflow.submitAll(inums);

    await().atMost(Duration.ofSeconds(20)).until(() -> workflow.counts().get(WorkflowState.DONE) == 5);
    assertThat(database.marks).hasSize(5).allSatisfy((inum, times) -> assertThat(times).isEqualTo(1));
    assertThat(consolidator.counters().retries()).isGreaterThanOrEqualTo(3);
    assertThat(consolidator.counters().failed()).isZero();
  }

  @Test
  void fatalErrorFailsOnlyTheCallConcerned() throws IOException {
    CallRecord good = finishedCall(3_200);
    CallRecord bad = finishedCall(3_200);
    CallRecord notAWav = finishedCall(3_200);
    Files.writeString(dataDir.resolve(notAWav.mediaPath()), "x".repeat(3_244));
    database.poisoned = bad.inum();

    workflow.submitAll(List.of(good.inum(), bad.inum(), notAWav.inum()));

    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.counts().get(WorkflowState.FAILED) == 2
        && workflow.state(good.inum()).orElseThrow() == WorkflowState.DONE);
    assertThat(workflow.entry(bad.inum()).orElseThrow().lastError()).contains("value out of range");
    assertThat(workflow.entry(notAWav.inum()).orElseThrow().lastError()).contains("not a WAV file");
    assertThat(database.marks).containsOnlyKeys(good.inum());
  }

  @Test
  void aCallNoneOfWhoseMediaReachedTheDiskIsMarkedAsACopyThatHoldsNothing() throws IOException {
    database.rules.add(new ArchiveRule(1, "everything", null, 0, dataDir.resolve("archive"), true));
    CallRecord sound = finishedCall(3_200);
    CallRecord noFile = finishedCall(3_200);
    Files.delete(dataDir.resolve(noFile.mediaPath()));
    CallRecord noHeader = finishedCall(3_200);
    Files.write(dataDir.resolve(noHeader.mediaPath()), new byte[20]);

    workflow.submitAll(List.of(sound.inum(), noFile.inum(), noHeader.inum()));

    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.counts().get(WorkflowState.DONE) == 3);
    assertThat(database.marks).containsOnlyKeys(sound.inum(), noFile.inum(), noHeader.inum());
    assertThat(database.marked.get(sound.inum()).quirks()).doesNotContain(CallRecord.NO_MEDIA);
    assertThat(database.marked.get(sound.inum()).complete()).isTrue();
    for (CallRecord empty : List.of(noFile, noHeader)) {
      CallRecord copy = database.marked.get(empty.inum());
      assertThat(copy.complete()).as("%s, marked without media", empty.inum()).isFalse();
      assertThat(copy.stats()).isEqualTo(MediaStats.NONE);
      assertThat(copy.quirks()).containsExactly(CallRecord.NO_MEDIA);
      assertThat(copy.correlationKey()).isEqualTo(empty.correlationKey());
      assertThat(copy.end()).isEqualTo(empty.end());
    }
    assertThat(consolidator.counters().failed()).as("failed, archiving included").isZero();
    assertThat(database.archivedSums).as("archived: a copy that holds nothing has nothing to archive")
        .containsOnlyKeys(sound.inum());
  }

  @Test
  void aSecondaryArchivesTheCallsItMarkedWhenItWasPrimary() throws IOException {
    Path archiveRoot = dataDir.resolve("archive");
    database.rules.add(new ArchiveRule(1, "everything", null, 0, archiveRoot, true));
    consolidator.setActive(false);
    CallRecord call = finishedCall(1_600);
    workflow.submit(call.inum());
    workflow.moveTo(List.of(call.inum()), WorkflowState.ARCHIVING);

    consolidator.wakeUp();

    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(call.inum()).orElseThrow() == WorkflowState.DONE);
    assertThat(database.archivedSums).containsOnlyKeys(call.inum());
    assertThat(database.marks).as("nothing marked by a secondary").isEmpty();
  }

  @Test
  void mediaDisagreeingWithItsStatisticsIsFailed() throws IOException {
    CallRecord call = buffer.begin("short", START, CallRole.MASTER, List.of(), List.of());
    TestCalls.writeWav(dataDir.resolve(call.mediaPath()), 1_000);
    buffer.finish(call.inum(), START.plusSeconds(1), CallState.COMPLETE, new MediaStats(50, 0, 16_000, 1_000));

    workflow.submit(call.inum());

    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(call.inum()).orElseThrow() == WorkflowState.FAILED);
    assertThat(workflow.entry(call.inum()).orElseThrow().lastError()).contains("1000 data bytes", "16000");
  }

  @Test
  void fencedRefusalStopsMarkingUntilTheFenceChanges() throws IOException {
    database.epoch = 2;
    CallRecord call = finishedCall(1_600);

    workflow.submit(call.inum());

    await().atMost(Duration.ofSeconds(10)).until(() -> !refusals.isEmpty());
    assertThat(refusals.getFirst().currentEpoch()).isEqualTo(2);
    assertThat(workflow.state(call.inum())).contains(WorkflowState.PENDING);
    assertThat(database.marks).isEmpty();

    fence.set(new Fence(123456, 2));
    consolidator.wakeUp();
    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(call.inum()).orElseThrow() == WorkflowState.DONE);
    assertThat(refusals).hasSize(1);
  }

  @Test
  void recordingCallWaitsUntilFinished() throws IOException {
    CallRecord call = buffer.begin("live", START, CallRole.MASTER, List.of(), List.of());
    workflow.submit(call.inum());
    await().atMost(Duration.ofSeconds(10))
        .until(() -> workflow.entry(call.inum()).orElseThrow().nextAttempt().isAfter(Instant.now()));
    assertThat(database.marks).isEmpty();

    TestCalls.writeWav(dataDir.resolve(call.mediaPath()), 1_600);
    buffer.finish(call.inum(), START.plusMillis(100), CallState.COMPLETE, new MediaStats(5, 0, 1_600, 100));

    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(call.inum()).orElseThrow() == WorkflowState.DONE);
    assertThat(database.marks).containsEntry(call.inum(), 1);
  }

  @Test
  void inactiveConsolidatorMarksNothingUntilActivated() throws IOException {
    consolidator.setActive(false);
    CallRecord call = finishedCall(1_600);

    workflow.submit(call.inum());

    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(database.marks::isEmpty);
    consolidator.setActive(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(call.inum()).orElseThrow() == WorkflowState.DONE);
    assertThat(database.marks).containsOnlyKeys(call.inum());
  }

  @Test
  void inactiveConsolidatorConsolidatesPromotedEntriesOnly() throws IOException {
    consolidator.setActive(false);
    CallRecord ordinary = finishedCall(1_600);
    CallRecord promoted = finishedCall(1_600);

    workflow.submit(ordinary.inum());
    workflow.submitAll(List.of(promoted.inum()), WorkflowState.PENDING, true);

    await().atMost(Duration.ofSeconds(10))
        .until(() -> workflow.state(promoted.inum()).orElseThrow() == WorkflowState.DONE);
    assertThat(database.marks).containsOnlyKeys(promoted.inum());
    assertThat(workflow.state(ordinary.inum())).contains(WorkflowState.PENDING);
  }

  @Test
  void reprocessedEntryIsConsolidatedWhileInactive() throws IOException {
    consolidator.setActive(false);
    CallRecord call = finishedCall(1_600);
    workflow.submitAll(List.of(call.inum()), WorkflowState.AWAITING_REPROCESS);

    workflow.reprocess(List.of(call.inum()));

    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(call.inum()).orElseThrow() == WorkflowState.DONE);
    assertThat(database.marks).containsEntry(call.inum(), 1);
  }

  @Test
  void callsOverSeveralBatchesAreEachMarkedOnce() throws IOException {
    consolidator.setActive(false);
    List<Inum> inums = new ArrayList<>();
    for (int i = 0; i < 2 * BATCH + 50; i++) {
      inums.add(finishedCall(160).inum());
    }
    workflow.submitAll(inums);

    consolidator.setActive(true);

    await().atMost(Duration.ofSeconds(60)).until(() -> workflow.counts().get(WorkflowState.DONE) == inums.size());
    assertThat(database.marks).hasSize(inums.size()).allSatisfy((inum, times) -> assertThat(times).isEqualTo(1));
    assertThat(consolidator.counters().marked()).isEqualTo(inums.size());
  }

  @Test
  void withNoArchiveRuleAMarkedCallIsDoneWhenReportedAndWithOneItIsArchived() throws IOException {
    CallRecord unruled = finishedCall(160);
    workflow.submit(unruled.inum());
    await().atMost(Duration.ofSeconds(10)).until(() -> markedReported.contains(unruled.inum()));

    Path archiveRoot = dataDir.resolve("archive");
    database.rules.add(new ArchiveRule(1, "everything", null, 0, archiveRoot, true));
    CallRecord ruled = finishedCall(160);
    workflow.submit(ruled.inum());
    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(ruled.inum()).orElseThrow() == WorkflowState.DONE);

    assertThat(stateWhenReported).containsEntry(unruled.inum(), WorkflowState.DONE);
    assertThat(database.archivedSums).containsOnlyKeys(ruled.inum());
  }

  @Test
  void aCallWaitsInArchivingWhileItsTargetCannotTakeItAndIsArchivedOnceItCan() throws IOException {
    Path archiveRoot = dataDir.resolve("archive");
    database.rules.add(new ArchiveRule(1, "everything", null, 0, archiveRoot, true));
    targetDown.set("the endpoint http://127.0.0.1:9 does not answer");
    CallRecord call = finishedCall(3_200);

    workflow.submit(call.inum());

    await().atMost(Duration.ofSeconds(10)).until(() -> consolidator.counters().retries() >= 1);
    assertThat(workflow.state(call.inum())).contains(WorkflowState.ARCHIVING);
    assertThat(workflow.entry(call.inum()).orElseThrow().lastError()).contains("does not answer");
    assertThat(database.archivedSums).isEmpty();
    assertThat(consolidator.counters().failed()).isZero();

    targetDown.set(null);
    await().atMost(Duration.ofSeconds(20)).until(() -> workflow.state(call.inum()).orElseThrow() == WorkflowState.DONE);
    assertThat(database.archivedSums).containsEntry(call.inum(),
        FilesystemArchive.sha256(dataDir.resolve(call.mediaPath())));
    assertThat(consolidator.counters().failed()).isZero();
  }

  @Test
  void aMarkedCallWaitsInArchivingWhileTheRulesCannotBeRead() throws IOException {
    database.rulesUnreadable = true;
    CallRecord call = finishedCall(160);
    workflow.submit(call.inum());

    await().atMost(Duration.ofSeconds(10)).until(() -> markedReported.contains(call.inum()));
    assertThat(workflow.state(call.inum())).contains(WorkflowState.ARCHIVING);

    database.rulesUnreadable = false;
    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(call.inum()).orElseThrow() == WorkflowState.DONE);
    assertThat(database.marks).containsEntry(call.inum(), 1);
  }

  @Test
  void markedCallsAreReportedOnlyOnceTheirMoveOutOfPendingCommitted() throws IOException {
    consolidator.setActive(false);
    List<Inum> inums = new ArrayList<>();
    for (int i = 0; i < 2 * BATCH + 50; i++) {
      inums.add(finishedCall(160).inum());
    }
    workflow.submitAll(inums);
    List<WorkflowState> statesWhenReported = new CopyOnWriteArrayList<>();
    database.beforeMark = calls -> markedReported.forEach(inum -> statesWhenReported.add(
        workflow.state(inum).orElseThrow()));

    consolidator.setActive(true);

    // The last batch is reported after its move commits, at the latest when the marking thread next looks.
    await().atMost(Duration.ofSeconds(60)).until(() -> workflow.counts().get(WorkflowState.DONE) == inums.size()
        && markedReported.size() >= inums.size());
    assertThat(markedReported).hasSize(inums.size()).doesNotHaveDuplicates();
    assertThat(statesWhenReported).isNotEmpty().doesNotContain(WorkflowState.PENDING);
  }

  @Test
  void callMissingFromTheBufferFailsArchivingEvenWithoutRules() throws IOException {
    consolidator.setActive(false);
    CallRecord kept = finishedCall(160);
    CallRecord removed = finishedCall(160);
    workflow.submitAll(List.of(kept.inum(), removed.inum()));
    store.transaction(c -> c.createStatement().executeUpdate("DELETE FROM calls WHERE inum = "
        + removed.inum().value()));
    workflow.moveTo(List.of(kept.inum(), removed.inum()), WorkflowState.ARCHIVING);

    consolidator.setActive(true);

    await().atMost(Duration.ofSeconds(10)).until(() -> workflow.state(kept.inum()).orElseThrow() == WorkflowState.DONE
        && workflow.state(removed.inum()).orElseThrow() == WorkflowState.FAILED);
    assertThat(workflow.entry(removed.inum()).orElseThrow().lastError()).contains("not in the call buffer");
  }

  @Test
  void entriesMovedAwayWhileTheirBatchWasReadAheadAreNotMarked() throws IOException {
    consolidator.setActive(false);
    List<Inum> first = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      first.add(finishedCall(160).inum());
    }
    List<Inum> movedAway = List.of(finishedCall(160).inum(), finishedCall(160).inum());
    Inum last = finishedCall(160).inum();
    workflow.submitAll(first);
    workflow.submitAll(movedAway);
    workflow.submitAll(List.of(last));
    // While the first batch is marked, the next one is read ahead; a Rebuild Full then re-adds two of its
    // entries to wait for a reprocess.
    database.beforeMark = calls -> {
      if (calls.getFirst().inum().equals(first.getFirst())) {
        workflow.moveTo(movedAway, WorkflowState.AWAITING_REPROCESS);
      }
    };

    consolidator.setActive(true);

    await().atMost(Duration.ofSeconds(30)).until(() -> workflow.state(last).orElseThrow() == WorkflowState.DONE);
    assertThat(database.marks).doesNotContainKeys(movedAway.toArray(Inum[]::new)).containsKey(last);
    assertThat(movedAway).allSatisfy(inum ->
        assertThat(workflow.state(inum)).contains(WorkflowState.AWAITING_REPROCESS));
  }

  private CallRecord finishedCall(int bytes) throws IOException {
    return TestCalls.finishedCall(buffer, dataDir, bytes);
  }
}
