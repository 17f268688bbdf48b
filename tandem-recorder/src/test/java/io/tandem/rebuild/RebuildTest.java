package io.tandem.rebuild;

import io.tandem.admin.JobFigures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallRole;
import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.workflow.Workflow;
import io.tandem.workflow.WorkflowState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebuildTest {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @TempDir
  Path dataDir;
  private LocalStore store;
  private CallBuffer buffer;
  private Workflow workflow;
  private Rebuild rebuild;

  @BeforeEach
  void openStore() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    buffer = new CallBuffer(store, new InumAllocator(store, BufferFixture.SERIAL, null), clock);
    workflow = new Workflow(store, clock);
    rebuild = new Rebuild(store, buffer, workflow);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void fixAddsOnlyInumsMissingFromWorkflow() {
    List<Inum> calls = BufferFixture.insertCalls(store, 10, T0, Duration.ofSeconds(1), i -> CallRole.MASTER);
    workflow.submitAll(calls.subList(0, 7));
    workflow.moveTo(calls.subList(0, 3), WorkflowState.DONE);

    JobFigures done = fix(null, null, true, true);

    assertThat(done).isEqualTo(new JobFigures(10, 10, 10, 3, 7));
    assertThat(workflow.state(calls.get(0))).contains(WorkflowState.DONE);
    assertThat(workflow.entry(calls.get(5)).orElseThrow().promoted()).isFalse();
    assertThat(calls.subList(7, 10)).allSatisfy(inum -> {
      assertThat(workflow.state(inum)).contains(WorkflowState.PENDING);
      assertThat(workflow.entry(inum).orElseThrow().promoted()).isTrue();
    });
  }

  @Test
  void secondFixAddsNothing() {
    BufferFixture.insertCalls(store, 25_000, T0, Duration.ofMillis(10), i -> CallRole.MASTER);

    assertThat(fix(null, null, true, true).added()).isEqualTo(25_000);
    JobFigures again = fix(null, null, true, true);

    assertThat(again).isEqualTo(new JobFigures(25_000, 25_000, 25_000, 0, 25_000));
    assertThat(workflow.counts().get(WorkflowState.PENDING)).isEqualTo(25_000);
  }

  @Test
  void rangeIncludesItsStartAndExcludesItsEnd() {
    List<Inum> calls = BufferFixture.insertCalls(store, 5, T0, Duration.ofSeconds(1), i -> CallRole.MASTER);

    JobFigures done = fix(T0.plusSeconds(1), T0.plusSeconds(3), true, true);

    assertThat(done).isEqualTo(new JobFigures(2, 2, 2, 2, 0));
    assertThat(workflow.presentAmong(calls)).containsExactlyInAnyOrder(calls.get(1), calls.get(2));
  }

  @Test
  void roleFiltersPickMasterOrSlaveCalls() {
    List<Inum> calls = BufferFixture.insertCalls(store, 6, T0, Duration.ofSeconds(1),
        i -> i % 3 == 0 ? CallRole.MASTER : CallRole.SLAVE);

    JobFigures masters = fix(null, null, true, false);
    assertThat(workflow.presentAmong(calls)).containsExactlyInAnyOrder(calls.get(0), calls.get(3));
    JobFigures slaves = fix(null, null, false, true);
    JobFigures neither = fix(null, null, false, false);

    assertThat(masters).isEqualTo(new JobFigures(6, 6, 2, 2, 0));
    assertThat(slaves).isEqualTo(new JobFigures(6, 6, 4, 4, 0));
    assertThat(neither).isEqualTo(new JobFigures(6, 6, 0, 0, 0));
    assertThat(workflow.presentAmong(calls)).hasSize(6);
  }

  @Test
  void openEndStopsAtTheMomentTheRebuildStarted() {
    BufferFixture.insertCalls(store, 3, NOW.minusSeconds(1), Duration.ofSeconds(1), i -> CallRole.SLAVE);

    assertThat(fix(null, null, true, true).matched()).isEqualTo(1);
  }

  @Test
  void fullClearsTheWorkflowAndAddsMatchesAwaitingReprocess() {
    List<Inum> calls = BufferFixture.insertCalls(store, 4, T0, Duration.ofSeconds(1),
        i -> i == 3 ? CallRole.SLAVE : CallRole.MASTER);
    Inum gone = Inum.of(BufferFixture.SERIAL, 999);
    workflow.submitAll(List.of(calls.get(0), gone));
    workflow.moveTo(List.of(calls.get(0)), WorkflowState.DONE);

    JobProgress progress = new JobProgress();
    rebuild.run(new RebuildScope(true, true, false, null, null), NOW, progress);

    assertThat(progress.snapshot()).isEqualTo(new JobFigures(4, 4, 3, 3, 0));
    assertThat(workflow.contains(gone)).isFalse();
    assertThat(workflow.contains(calls.get(3))).isFalse();
    assertThat(calls.subList(0, 3)).allSatisfy(inum ->
        assertThat(workflow.state(inum)).contains(WorkflowState.AWAITING_REPROCESS));
    assertThat(workflow.due(WorkflowState.PENDING, 10)).isEmpty();
  }

  @Test
  void aFullCutAfterItsClearIsFinishedWithoutClearingAgain() {
    List<Inum> calls = BufferFixture.insertCalls(store, 100, T0, Duration.ofMillis(10), i -> CallRole.MASTER);
    workflow.submitAll(calls.subList(0, 5));

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> rebuild.run(new RebuildScope(true, true, true, null, null), NOW, new JobProgress()))
          .isInstanceOf(CancellationException.class);
    } finally {
      Thread.interrupted();
    }
    assertThat(workflow.counts().values().stream().mapToLong(Long::longValue).sum())
        .as("the Full was cut after its clear").isZero();
    Rebuild.CutFull cut = rebuild.cutFull().orElseThrow();
    assertThat(cut).isEqualTo(new Rebuild.CutFull("Rebuild Full true true", Instant.MIN, NOW, true, true));
    // Live recording submitted a call of the range after the clear: it stays as it was submitted.
    workflow.submitAll(List.of(calls.get(99)));

    JobProgress progress = new JobProgress();
    rebuild.finishFull(cut, progress);

    assertThat(progress.snapshot()).isEqualTo(new JobFigures(100, 100, 100, 99, 1));
    assertThat(workflow.counts().get(WorkflowState.AWAITING_REPROCESS)).isEqualTo(99);
    assertThat(workflow.state(calls.get(99))).contains(WorkflowState.PENDING);
    assertThat(rebuild.cutFull()).isEmpty();
  }

  @Test
  void aFullThatRunsToItsEndLeavesNothingToFinish() {
    BufferFixture.insertCalls(store, 10, T0, Duration.ofSeconds(1), i -> CallRole.MASTER);

    rebuild.run(new RebuildScope(true, true, true, T0, NOW), NOW, new JobProgress());

    assertThat(rebuild.cutFull()).isEmpty();
    assertThat(workflow.counts().get(WorkflowState.AWAITING_REPROCESS)).isEqualTo(10);
  }

  /**
   * A Full holds the store a chunk at a time, not for its whole length: a write in its own transaction goes
   * through while the Full is part way, which a Full in one transaction never lets happen (a write that holds the
   * store sees the Full either not begun or ended). Live recording's writes (a call's start, its end) are such
   * writes.
   */
  @Test
  void otherWritesGoThroughWhileAFullIsPartWay() throws Exception {
    int count = 5 * CallBuffer.SCAN_CHUNK;
    BufferFixture.insertCalls(store, count, T0, Duration.ofMillis(1), i -> CallRole.MASTER);
    JobProgress progress = new JobProgress();
    AtomicBoolean fullEnded = new AtomicBoolean();
    AtomicInteger partWay = new AtomicInteger();
    Thread writer = Thread.ofPlatform().start(() -> {
      for (long inum = 1; !fullEnded.get(); inum++) {
        long written = inum;
        store.transaction(c -> {
          try (var insert = c.prepareStatement("INSERT INTO gap_audit_held (inum) VALUES (?)")) {
            insert.setLong(1, written);
            insert.executeUpdate();
          }
          JobFigures seen = progress.snapshot();
          if (seen.scanned() > 0 && seen.scanned() < seen.total()) {
            partWay.incrementAndGet();
          }
          return null;
        });
      }
    });
    try {
      rebuild.run(new RebuildScope(true, true, true, null, null), NOW, progress);
    } finally {
      fullEnded.set(true);
      writer.join();
    }

    assertThat(progress.snapshot().added()).isEqualTo(count);
    assertThat(partWay.get()).as("writes that went through while the Full was part way").isPositive();
  }

  @Test
  void reprocessMovesEntriesOfTheRangeToPendingPromoted() {
    List<Inum> calls = BufferFixture.insertCalls(store, 5, T0, Duration.ofSeconds(1), i -> CallRole.MASTER);
    workflow.submitAll(calls.subList(0, 4), WorkflowState.AWAITING_REPROCESS);
    workflow.moveTo(List.of(calls.get(1)), WorkflowState.DONE);

    JobProgress progress = new JobProgress();
    new Reprocess(buffer, workflow).run(T0.plusSeconds(1), T0.plusSeconds(5), progress);

    assertThat(progress.snapshot()).isEqualTo(new JobFigures(4, 4, 3, 0, 0));
    assertThat(workflow.state(calls.get(0))).contains(WorkflowState.AWAITING_REPROCESS);
    assertThat(workflow.due(WorkflowState.PENDING, 10, true)).containsExactly(calls.get(1), calls.get(2),
        calls.get(3));
    assertThat(workflow.contains(calls.get(4))).isFalse();
  }

  private JobFigures fix(Instant from, Instant to, boolean master, boolean slave) {
    JobProgress progress = new JobProgress();
    rebuild.run(new RebuildScope(false, master, slave, from, to), NOW, progress);
    return progress.snapshot();
  }
}
