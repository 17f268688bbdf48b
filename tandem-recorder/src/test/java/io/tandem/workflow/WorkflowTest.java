package io.tandem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Inum;
import io.tandem.callbuffer.LocalStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final Inum A = Inum.of(123456, 1);
  private static final Inum B = Inum.of(123456, 2);
  private static final Inum C = Inum.of(123456, 3);

  @TempDir
  Path dataDir;
  private LocalStore store;
  private Workflow workflow;

  @BeforeEach
  void openWorkflow() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    workflow = new Workflow(store, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void submitIsIdempotent() {
    assertThat(workflow.submit(A)).isTrue();
    workflow.moveTo(List.of(A), WorkflowState.DONE);

    assertThat(workflow.submit(A)).isFalse();
    assertThat(workflow.submitAll(List.of(A, B, C))).isEqualTo(2);
    assertThat(workflow.state(A)).contains(WorkflowState.DONE);
    assertThat(workflow.counts()).containsEntry(WorkflowState.PENDING, 2L).containsEntry(WorkflowState.DONE, 1L)
        .containsEntry(WorkflowState.FAILED, 0L);
  }

  @Test
  void submittingManyAddsEachMissingInumOnceInTheStateAskedAndCountsOnlyThoseAdded() {
    workflow.submitAll(List.of(B));
    workflow.moveTo(List.of(B), WorkflowState.DONE);

    assertThat(workflow.submitAll(List.of(), WorkflowState.AWAITING_REPROCESS)).isZero();
    // A twice in one call, B already there: one entry for A and C each, B left DONE.
    assertThat(at(NOW.minusSeconds(5)).submitAll(List.of(A, B, A, C), WorkflowState.PENDING, true)).isEqualTo(2);

    assertThat(workflow.entry(A)).contains(new WorkflowEntry(A, WorkflowState.PENDING, 0, null,
        NOW.minusSeconds(5), NOW.minusSeconds(5), true));
    assertThat(workflow.entry(C).orElseThrow().promoted()).isTrue();
    assertThat(workflow.entry(B).orElseThrow().state()).isEqualTo(WorkflowState.DONE);
    assertThat(workflow.entry(B).orElseThrow().promoted()).isFalse();
    assertThat(workflow.counts()).containsEntry(WorkflowState.PENDING, 2L).containsEntry(WorkflowState.DONE, 1L);
  }

  @Test
  void entriesSurviveUncleanReopen() {
    workflow.submitAll(List.of(A, B));
    try (LocalStore reopened = LocalStore.open(dataDir.resolve("buffer.db"))) {
      assertThat(new Workflow(reopened, Clock.systemUTC()).presentAmong(List.of(A, B, C))).containsOnly(A, B);
    }
  }

  @Test
  void dueLeavesOutEntriesWaitingForALaterAttempt() {
    workflow.submitAll(List.of(A, B, C));
    workflow.recordRetry(List.of(B), "database down", NOW.plusSeconds(1));

    assertThat(workflow.due(WorkflowState.PENDING, 10)).containsExactly(A, C);
    assertThat(workflow.due(WorkflowState.PENDING, 1)).containsExactly(A);
    WorkflowEntry retried = workflow.entry(B).orElseThrow();
    assertThat(retried.attempts()).isEqualTo(1);
    assertThat(retried.lastError()).isEqualTo("database down");
    assertThat(retried.state()).isEqualTo(WorkflowState.PENDING);
  }

  @Test
  void dueEntriesOfBothIndexesComeLongestWaitingFirstThenByInum() {
    Inum d = Inum.of(123456, 4);
    Inum e = Inum.of(123456, 5);
    Inum f = Inum.of(123456, 6);
    Inum g = Inum.of(123456, 7);
    Inum h = Inum.of(123456, 8);
    at(NOW.minusSeconds(30)).submitAll(List.of(d), WorkflowState.PENDING);
    at(NOW.minusSeconds(20)).submitAll(List.of(e), WorkflowState.PENDING, true);
    at(NOW.minusSeconds(10)).submitAll(List.of(g), WorkflowState.PENDING, true);
    at(NOW.minusSeconds(10)).submitAll(List.of(f), WorkflowState.PENDING);
    workflow.submitAll(List.of(h), WorkflowState.PENDING);

    assertThat(workflow.due(WorkflowState.PENDING, 10)).containsExactly(d, e, f, g, h);
    assertThat(workflow.due(WorkflowState.PENDING, 3)).containsExactly(d, e, f);
    assertThat(workflow.dueBeside(WorkflowState.PENDING, 4, false)).containsExactly(d, e, f, g);
    assertThat(workflow.due(WorkflowState.PENDING, 10, true)).containsExactly(e, g);
    assertThat(workflow.due(WorkflowState.PENDING, 1, true)).containsExactly(e);
  }

  /** The same Workflow, as seen from another time: what it writes is stamped with that time. */
  private Workflow at(Instant time) {
    return new Workflow(store, Clock.fixed(time, ZoneOffset.UTC));
  }

  @Test
  void awaitingEntriesWaitUntilReprocessed() {
    AtomicInteger wakeUps = new AtomicInteger();
    workflow.onSubmitted(wakeUps::incrementAndGet);
    workflow.submitAll(List.of(A, B), WorkflowState.AWAITING_REPROCESS);
    assertThat(workflow.due(WorkflowState.PENDING, 10)).isEmpty();
    assertThat(wakeUps).hasValue(0);

    assertThat(workflow.reprocess(List.of(A, C))).isEqualTo(1);

    assertThat(workflow.due(WorkflowState.PENDING, 10)).containsExactly(A);
    assertThat(workflow.state(B)).contains(WorkflowState.AWAITING_REPROCESS);
    assertThat(wakeUps).hasValue(1);
  }

  @Test
  void aMarkingThatFinishesAfterARebuildFullLeavesTheEntryAwaitingReprocess() {
    workflow.submitAll(List.of(A));
    workflow.clear();
    workflow.submitAll(List.of(A), WorkflowState.AWAITING_REPROCESS);

    assertThat(workflow.advance(List.of(A), WorkflowState.PENDING, WorkflowState.ARCHIVING)).isZero();
    workflow.fail(A, "media missing");
    assertThat(workflow.recordRetry(List.of(A), "database down", Instant.EPOCH)).isZero();
    assertThat(workflow.postpone(List.of(A), Instant.EPOCH)).isZero();
    assertThat(workflow.entry(A).orElseThrow().state()).isEqualTo(WorkflowState.AWAITING_REPROCESS);
    assertThat(workflow.entry(A).orElseThrow().lastError()).isNull();
  }

  @Test
  void reprocessLeavesEntriesInProgressAlone() {
    workflow.submitAll(List.of(A, B));
    workflow.moveTo(List.of(A), WorkflowState.ARCHIVING);
    workflow.fail(B, "media missing");

    assertThat(workflow.reprocess(List.of(A, B))).isEqualTo(1);
    assertThat(workflow.state(A)).contains(WorkflowState.ARCHIVING);
    assertThat(workflow.entry(B).orElseThrow().lastError()).isNull();
  }

  @Test
  void entriesArePromotedOnlyWhenAskedOrReprocessed() {
    workflow.submitAll(List.of(A), WorkflowState.PENDING, true);
    workflow.submitAll(List.of(B, C), WorkflowState.PENDING);
    workflow.moveTo(List.of(C), WorkflowState.DONE);

    assertThat(workflow.due(WorkflowState.PENDING, 10, true)).containsExactly(A);
    assertThat(workflow.due(WorkflowState.PENDING, 10, false)).containsExactly(A, B);
    assertThat(workflow.reprocess(List.of(B, C))).isEqualTo(1);
    assertThat(workflow.due(WorkflowState.PENDING, 10, true)).containsExactly(A, B, C);
    assertThat(workflow.entry(C).orElseThrow().promoted()).isTrue();
  }

  @Test
  void countsHaveEveryState() {
    List<Inum> more = java.util.stream.LongStream.rangeClosed(10, 14).mapToObj(n -> Inum.of(123456, n)).toList();
    workflow.submitAll(List.of(A, B, C));
    workflow.submitAll(more, WorkflowState.AWAITING_REPROCESS);
    workflow.moveTo(List.of(A), WorkflowState.ARCHIVING);
    workflow.moveTo(List.of(B), WorkflowState.DONE);
    workflow.moveTo(more.subList(0, 2), WorkflowState.DONE);
    workflow.fail(C, "media missing");

    assertThat(workflow.counts()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(WorkflowState.PENDING, 0L,
        WorkflowState.ARCHIVING, 1L, WorkflowState.DONE, 3L, WorkflowState.FAILED, 1L,
        WorkflowState.AWAITING_REPROCESS, 3L));
  }

  @Test
  void dueEntriesAreReadFromTheirIndexAlone() {
    for (WorkflowState state : List.of(WorkflowState.PENDING, WorkflowState.ARCHIVING)) {
      assertThat(plan(Workflow.dueQuery(state, false))).contains("COVERING INDEX workflow_due ")
          .doesNotContain("workflow_promoted_due").doesNotContain("SCAN workflow").doesNotContain("TEMP B-TREE");
      assertThat(plan(Workflow.dueQuery(state, true))).contains("COVERING INDEX workflow_promoted_due ")
          .doesNotContain("workflow_due ").doesNotContain("SCAN workflow").doesNotContain("TEMP B-TREE");
    }
    assertThatThrownBy(() -> workflow.due(WorkflowState.DONE, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PENDING and ARCHIVING");
  }

  @Test
  void aStoreOfTheSchemaBeforeKeepsItsEntriesAndCountsWhenItsIndexesBecomePartial() throws Exception {
    workflow.submitAll(List.of(A, B), WorkflowState.PENDING, true);
    workflow.submitAll(List.of(C));
    workflow.moveTo(List.of(B), WorkflowState.DONE);
    store.transaction(c -> {
      try (java.sql.Statement statement = c.createStatement()) {
        statement.execute("DROP INDEX workflow_due");
        statement.execute("CREATE INDEX workflow_due ON workflow (state, next_attempt_millis, inum)");
        statement.execute("DROP INDEX workflow_promoted_due");
        statement.execute("CREATE INDEX workflow_promoted_due ON workflow (state, next_attempt_millis, inum) "
            + "WHERE promoted = 1");
        // What migrations after the fourth added goes too, so that they can run again.
        statement.execute("DROP INDEX calls_by_end");
        statement.execute("DROP TABLE call_metadata");
        statement.execute("DROP TABLE gap_audit_held");
        statement.execute("DROP TABLE rebuild_full");
        for (String column : List.of("sip_identity", "quirks", "dtmf")) {
          statement.execute("ALTER TABLE calls DROP COLUMN " + column);
        }
        statement.execute("PRAGMA user_version = 3");
      }
      return null;
    });
    store.close();

    store = LocalStore.open(dataDir.resolve("buffer.db"));
    workflow = new Workflow(store, Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(workflow.counts()).containsEntry(WorkflowState.PENDING, 2L).containsEntry(WorkflowState.DONE, 1L);
    assertThat(workflow.due(WorkflowState.PENDING, 10, true)).containsExactly(A);
    assertThat(workflow.due(WorkflowState.PENDING, 10)).containsExactly(A, C);
    String index = store.read(c -> {
      try (java.sql.Statement statement = c.createStatement(); java.sql.ResultSet rs = statement.executeQuery(
          "SELECT sql FROM sqlite_master WHERE name = 'workflow_due'")) {
        return rs.next() ? rs.getString(1) : "";
      }
    });
    assertThat(index).endsWith("WHERE state <> 'DONE' AND promoted = 0");
  }

  private String plan(String query) {
    return store.read(c -> {
      StringBuilder plan = new StringBuilder();
      try (java.sql.PreparedStatement explain = c.prepareStatement("EXPLAIN QUERY PLAN " + query)) {
        for (int parameter = 1; parameter <= explain.getParameterMetaData().getParameterCount(); parameter++) {
          explain.setLong(parameter, NOW.toEpochMilli());
        }
        try (java.sql.ResultSet rs = explain.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString("detail")).append('\n');
          }
        }
      }
      return plan.toString();
    });
  }

  @Test
  void presentAmongAnswersForThousandsOfInumsAtOnce() {
    List<Inum> many = java.util.stream.LongStream.rangeClosed(1, 20_000).mapToObj(n -> Inum.of(123456, n)).toList();
    workflow.submitAll(many.subList(0, 15_000));

    assertThat(workflow.presentAmong(many)).hasSize(15_000).contains(many.getFirst()).doesNotContain(many.getLast());
  }

  @Test
  void clearEmptiesTheWorkflow() {
    workflow.submitAll(List.of(A, B));

    assertThat(workflow.clear()).isEqualTo(2);
    assertThat(workflow.contains(A)).isFalse();
  }

  @Test
  void entriesCannotBeAddedAsDone() {
    assertThatThrownBy(() -> workflow.submitAll(List.of(A), WorkflowState.DONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PENDING or AWAITING_REPROCESS");
  }

  @Test
  void departuresChangeWhenEntriesMayLeavePendingOtherThanByMarking() {
    workflow.submitAll(List.of(A, B, C));
    long before = workflow.departures();

    workflow.advance(List.of(A), WorkflowState.PENDING, WorkflowState.ARCHIVING);
    workflow.postpone(List.of(B), NOW.plusSeconds(1));
    workflow.submitAll(List.of(C), WorkflowState.AWAITING_REPROCESS);
    assertThat(workflow.departures()).isEqualTo(before);

    workflow.moveTo(List.of(B), WorkflowState.AWAITING_REPROCESS);
    long afterMove = workflow.departures();
    workflow.fail(C, "broken");
    long afterFail = workflow.departures();
    workflow.clear();

    assertThat(List.of(before, afterMove, afterFail, workflow.departures())).doesNotHaveDuplicates();
    assertThat(workflow.departedSince(afterFail)).isTrue();
    assertThat(workflow.departedSince(workflow.departures())).isFalse();
  }

  @Test
  void aSnapshotTakenBeforeAMoveCommitsIsNeverTrusted() throws Exception {
    workflow.submitAll(List.of(A, B));
    CountDownLatch moved = new CountDownLatch(1);
    CountDownLatch mayCommit = new CountDownLatch(1);
    // A Rebuild Full clears and re-adds inside one transaction of its own, committed only at its end.
    Thread rebuild = Thread.ofPlatform().start(() -> store.transaction(c -> {
      workflow.clear();
      workflow.submitAll(List.of(A, B), WorkflowState.AWAITING_REPROCESS);
      moved.countDown();
      awaitQuietly(mayCommit);
      return null;
    }));
    assertThat(moved.await(10, TimeUnit.SECONDS)).isTrue();

    long mark = workflow.departures();
    List<Inum> snapshot = workflow.dueBeside(WorkflowState.PENDING, 10, false);
    mayCommit.countDown();
    rebuild.join();

    assertThat(snapshot).containsExactly(A, B);
    assertThat(mark).isEqualTo(Workflow.UNSETTLED);
    assertThat(workflow.departedSince(mark)).isTrue();
    assertThat(workflow.due(WorkflowState.PENDING, 10)).isEmpty();
  }

  @Test
  void aMoveRolledBackStillSettlesTheCount() {
    workflow.submitAll(List.of(A));
    assertThatThrownBy(() -> store.transaction(c -> {
      workflow.moveTo(List.of(A), WorkflowState.AWAITING_REPROCESS);
      throw new java.sql.SQLException("disk full");
    })).isInstanceOf(io.tandem.callbuffer.LocalStoreException.class);

    assertThat(workflow.departures()).isNotEqualTo(Workflow.UNSETTLED);
    assertThat(workflow.state(A)).contains(WorkflowState.PENDING);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
