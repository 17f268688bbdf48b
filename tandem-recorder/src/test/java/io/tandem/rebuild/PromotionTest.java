package io.tandem.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tandem.admin.JobFigures;
import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.callbuffer.AuditCursor;
import io.tandem.database.LinkResult;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.gapaudit.GapAudit;
import io.tandem.workflow.Workflow;
import io.tandem.workflow.WorkflowState;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failover's promotion: the window's edge, the gap audit first, and the wait for the promoted calls. */
class PromotionTest {
  /** The failure was detected at NOW, with a rollback window of 20 s. */
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Instant WINDOW_FROM = NOW.minusSeconds(20);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dataDir;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final List<String> reports = new ArrayList<>();
  private final ExecutorService jobThread = Executors.newSingleThreadExecutor();
  private LocalStore store;
  private CallBuffer buffer;
  private Workflow workflow;

  @BeforeEach
  void openStore() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, BufferFixture.SERIAL, null), clock);
    workflow = new Workflow(store, clock);
  }

  @AfterEach
  void closeStore() {
    jobThread.shutdownNow();
    store.close();
  }

  @Test
  void promotionAddsEveryCallLiveInTheWindowIncludingThoseThatStartedBeforeIt() throws Exception {
    CallRecord endedBefore = call("ended-before", WINDOW_FROM.minusSeconds(60), WINDOW_FROM.minusMillis(1));
    CallRecord straddling = call("straddling", NOW.minusSeconds(36), NOW.minusSeconds(1));
    CallRecord endedAtWindowStart = call("ended-at-window-start", NOW.minusSeconds(40), WINDOW_FROM);
    CallRecord stillRecording = buffer.begin("still-recording", NOW.minusSeconds(600), CallRole.SLAVE, List.of(),
        List.of());
    CallRecord inWindow = call("in-window", NOW.minusSeconds(10), NOW.minusSeconds(5));
    CallRecord startedAfter = call("started-after", NOW, NOW.plusSeconds(1));

    JobProgress progress = new JobProgress();
    Future<Void> job = promote(progress, windowStart -> { });
    await().atMost(WAIT).until(() -> progress.snapshot().added() == 4);

    assertThat(workflow.presentAmong(inums(endedBefore, straddling, endedAtWindowStart, stillRecording, inWindow,
        startedAfter))).containsExactlyInAnyOrderElementsOf(inums(straddling, endedAtWindowStart, stillRecording,
        inWindow));
    assertThat(workflow.entry(straddling.inum())).hasValueSatisfying(entry -> assertThat(entry.promoted()).isTrue());
    assertThat(progress.snapshot()).isEqualTo(new JobFigures(4, 4, 4, 4, 0));
    assertThat(job).as("finished calls of the window are still PENDING").isNotDone();

    workflow.moveTo(inums(straddling, endedAtWindowStart, inWindow), WorkflowState.DONE);
    job.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(workflow.state(stillRecording.inum())).as("consolidated when it ends").contains(WorkflowState.PENDING);
  }

  @Test
  void promotionFirstCatchesUpTheGapAuditWithTheCallsBeforeTheWindow() throws Exception {
    CallRecord missing = call("missing", WINDOW_FROM.minusSeconds(300), WINDOW_FROM.minusSeconds(290));
    CallRecord marked = call("marked", WINDOW_FROM.minusSeconds(200), WINDOW_FROM.minusSeconds(190));
    CallRecord straddling = call("straddling", WINDOW_FROM.minusSeconds(16), NOW.minusSeconds(2));
    GapAudit gapAudit = new GapAudit(new AuditCursor(store), workflow, (calls, lookUpOnly) -> new LinkResult(0, 0,
        calls.stream().filter(call -> !call.correlationKey().equals("marked")).map(CallRecord::inum).toList()),
        call -> io.tandem.workflow.MediaVerdict.sound(), (call, promoted) -> reports.add(call.correlationKey()), clock,
        Duration.ofSeconds(60));
    List<Boolean> straddlingInWorkflowAtCatchUp = new ArrayList<>();

    Future<Void> job = promote(new JobProgress(), windowStart -> {
      straddlingInWorkflowAtCatchUp.add(workflow.contains(straddling.inum()));
      gapAudit.catchUp(windowStart, true);
    });
    await().atMost(WAIT).until(() -> workflow.counts().get(WorkflowState.PENDING) == 2);
    workflow.moveTo(inums(missing, straddling), WorkflowState.DONE);
    job.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(straddlingInWorkflowAtCatchUp).containsExactly(false);
    assertThat(reports).containsExactly("missing");
    assertThat(workflow.contains(marked.inum())).isFalse();
    assertThat(gapAudit.run(true)).as("nothing left before the window for the regular audit").isZero();
  }

  @Test
  void aCatchUpThatFailsFailsThePromotionBeforeItAddsAnything() {
    call("straddling", WINDOW_FROM.minusSeconds(16), NOW.minusSeconds(2));

    Future<Void> job = promote(new JobProgress(), windowStart -> {
      throw new SQLException("connection refused", "08001");
    });

    assertThatThrownBy(() -> job.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SQLException.class);
    assertThat(workflow.counts().get(WorkflowState.PENDING)).isZero();
  }

  @Test
  void aTypedRebuildFixStillMatchesByStartOnly() {
    CallRecord straddling = call("straddling", NOW.minusSeconds(36), NOW.minusSeconds(1));
    CallRecord inWindow = call("in-window", NOW.minusSeconds(10), NOW.minusSeconds(5));

    new Rebuild(store, buffer, workflow).run(new RebuildScope(false, true, true, WINDOW_FROM, NOW), NOW,
        new JobProgress());

    assertThat(workflow.presentAmong(inums(straddling, inWindow))).containsExactly(inWindow.inum());
  }

  /** Runs the promotion on a thread of its own, as the job runner does. */
  private Future<Void> promote(JobProgress progress, GapCatchUp catchUp) {
    Promotion promotion = new Promotion(new Rebuild(store, buffer, workflow), buffer, workflow, catchUp);
    return jobThread.submit(() -> {
      promotion.run(WINDOW_FROM, NOW, () -> true, progress);
      return null;
    });
  }

  private CallRecord call(String key, Instant start, Instant end) {
    CallRecord call = buffer.begin(key, start, CallRole.SLAVE, List.of(), List.of());
    return buffer.finish(call.inum(), end, CallState.COMPLETE, MediaStats.NONE);
  }

  private static List<Inum> inums(CallRecord... calls) {
    return java.util.Arrays.stream(calls).map(CallRecord::inum).toList();
  }
}
