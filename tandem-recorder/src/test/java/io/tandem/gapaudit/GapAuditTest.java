package io.tandem.gapaudit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.callbuffer.AuditCursor;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.database.Fence;
import io.tandem.database.FencedException;
import io.tandem.database.LinkResult;
import io.tandem.workflow.MediaVerdict;
import io.tandem.workflow.Workflow;
import io.tandem.workflow.WorkflowState;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GapAuditTest {
  private static final Instant T0 = Instant.parse("2026-11-26T14:30:00Z");
  private static final Duration GRACE = Duration.ofSeconds(60);

  @TempDir
  Path dataDir;
  private final SettableClock clock = new SettableClock(T0);
  /** The conversations (by correlation key) that have an interaction in the call database. */
  private final Set<String> database = new HashSet<>();
  /** The copies linked in the call database. */
  private final Set<Inum> linked = new HashSet<>();
  private final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final Set<Inum> unsoundMedia = new HashSet<>();
  private final Set<Inum> noMedia = new HashSet<>();
  /** Each copy as it was linked. */
  private final java.util.Map<Inum, CallRecord> linkedAs = new java.util.HashMap<>();
  private boolean databaseDown;
  private boolean fenced;
  private volatile Hook linkHook = () -> { };
  private LocalStore store;
  private CallBuffer buffer;
  private Workflow workflow;

  @BeforeEach
  void openStore() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, 100_002, null), clock);
    workflow = new Workflow(store, clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void aCopyWhoseConversationHasAnInteractionIsLinkedAndAMissingOneIsReportedAndPromoted() throws Exception {
    CallRecord present = call("conv-1", CallRole.SLAVE, 0, 10);
    CallRecord missing = call("conv-2", CallRole.SLAVE, 5, 10);
    database.add("conv-1");
    clock.set(T0.plusSeconds(100));

    GapAudit audit = audit();
    assertThat(audit.run(true)).isEqualTo(1);

    assertThat(linked).containsExactly(present.inum());
    assertThat(reports).containsExactly(missing.inum() + " promoted");
    assertThat(workflow.entry(missing.inum())).hasValueSatisfying(entry -> {
      assertThat(entry.state()).isEqualTo(WorkflowState.PENDING);
      assertThat(entry.promoted()).isTrue();
    });
    assertThat(workflow.contains(present.inum())).isFalse();
    assertThat(audit.gapsFound()).isEqualTo(1);
    assertThat(audit.copiesLinked()).isEqualTo(1);
  }

  @Test
  void underReportPolicyAMissingCallIsReportedButNotSubmitted() throws Exception {
    CallRecord missing = call("conv-1", CallRole.SLAVE, 0, 10);
    clock.set(T0.plusSeconds(100));

    assertThat(audit().run(false)).isEqualTo(1);

    assertThat(reports).containsExactly(missing.inum() + " reported");
    assertThat(workflow.contains(missing.inum())).isFalse();
  }

  @Test
  void callsRecordedWhileThisRecorderWasPrimaryAreLinkedToo() throws Exception {
    CallRecord master = call("conv-1", CallRole.MASTER, 0, 10);
    database.add("conv-1");
    clock.set(T0.plusSeconds(100));

    assertThat(audit().run(true)).isZero();

    assertThat(linked).containsExactly(master.inum());
    assertThat(reports).isEmpty();
  }

  @Test
  void aMissingCallThatWaitsInTheWorkflowSinceThisRecorderWasPrimaryIsPromoted() throws Exception {
    CallRecord master = call("conv-1", CallRole.MASTER, 0, 10);
    workflow.submit(master.inum());
    clock.set(T0.plusSeconds(100));

    assertThat(audit().run(true)).isEqualTo(1);

    assertThat(workflow.entry(master.inum())).hasValueSatisfying(entry -> {
      assertThat(entry.state()).isEqualTo(WorkflowState.PENDING);
      assertThat(entry.promoted()).isTrue();
    });
  }

  @Test
  void aCallWithUnsoundMediaIsLookedUpButNeverLinked() throws Exception {
    CallRecord broken = call("conv-1", CallRole.SLAVE, 0, 10);
    CallRecord brokenAndMissing = call("conv-2", CallRole.SLAVE, 1, 10);
    unsoundMedia.add(broken.inum());
    unsoundMedia.add(brokenAndMissing.inum());
    database.add("conv-1");
    clock.set(T0.plusSeconds(100));

    assertThat(audit().run(true)).isEqualTo(1);

    assertThat(linked).isEmpty();
    assertThat(reports).containsExactly(brokenAndMissing.inum() + " promoted");
  }

  @Test
  void aCallNoneOfWhoseMediaReachedTheDiskIsLinkedAsACopyThatHoldsNothing() throws Exception {
    CallRecord empty = call("conv-1", CallRole.SLAVE, 0, 10);
    CallRecord sound = call("conv-2", CallRole.SLAVE, 1, 10);
    noMedia.add(empty.inum());
    database.add("conv-1");
    database.add("conv-2");
    clock.set(T0.plusSeconds(100));

    assertThat(audit().run(true)).isZero();

    assertThat(linked).containsExactlyInAnyOrder(empty.inum(), sound.inum());
    assertThat(linkedAs.get(empty.inum()).complete()).isFalse();
    assertThat(linkedAs.get(empty.inum()).stats()).isEqualTo(MediaStats.NONE);
    assertThat(linkedAs.get(empty.inum()).quirks()).containsExactly(CallRecord.NO_MEDIA);
    assertThat(linkedAs.get(sound.inum()).complete()).isTrue();
    assertThat(linkedAs.get(sound.inum()).quirks()).isEmpty();
  }

  @Test
  void entriesLeftPendingFromATimeAsPrimaryAreSettledByTheAuditOfTheirCalls() throws Exception {
    CallRecord linkedNow = call("conv-1", CallRole.MASTER, 0, 10);
    CallRecord markedBefore = call("conv-2", CallRole.MASTER, 1, 10);
    CallRecord empty = call("conv-3", CallRole.MASTER, 2, 10);
    CallRecord unsound = call("conv-4", CallRole.MASTER, 3, 10);
    CallRecord gap = call("conv-5", CallRole.MASTER, 4, 10);
    CallRecord promotedOne = call("conv-6", CallRole.MASTER, 5, 10);
    List.of("conv-1", "conv-2", "conv-3", "conv-4", "conv-6").forEach(database::add);
    linked.add(markedBefore.inum());
    noMedia.add(empty.inum());
    unsoundMedia.add(unsound.inum());
    workflow.submitAll(List.of(linkedNow.inum(), markedBefore.inum(), empty.inum(), unsound.inum(), gap.inum()));
    workflow.promote(List.of(promotedOne.inum()));
    clock.set(T0.plusSeconds(100));

    assertThat(audit().run(false)).as("gaps").isEqualTo(1);

    for (CallRecord copy : List.of(linkedNow, markedBefore, empty)) {
      assertThat(workflow.state(copy.inum())).as("entry of %s, a copy now", copy.correlationKey())
          .contains(WorkflowState.DONE);
    }
    assertThat(workflow.entry(unsound.inum())).hasValueSatisfying(entry -> {
      assertThat(entry.state()).isEqualTo(WorkflowState.FAILED);
      assertThat(entry.lastError()).contains("not a WAV file");
    });
    assertThat(workflow.entry(gap.inum())).as("a gap under the report policy waits for a primary")
        .hasValueSatisfying(entry -> {
          assertThat(entry.state()).isEqualTo(WorkflowState.PENDING);
          assertThat(entry.promoted()).isFalse();
        });
    assertThat(workflow.state(promotedOne.inum())).as("a promoted entry, which the secondary marks itself")
        .contains(WorkflowState.PENDING);
  }

  @Test
  void aCallIsAuditedOnlyOnceTheGracePeriodAfterItsEndHasPassed() throws Exception {
    CallRecord missing = call("conv-1", CallRole.SLAVE, 0, 10);
    GapAudit audit = audit();
    clock.set(T0.plusSeconds(69));
    assertThat(audit.run(true)).isZero();
    assertThat(batches).isEmpty();

    clock.set(T0.plusSeconds(70));
    assertThat(audit.run(true)).isEqualTo(1);
    assertThat(reports).containsExactly(missing.inum() + " promoted");
  }

  @Test
  void aCallStillRecordingHoldsBackTheCallsThatStartedAfterItUntilItIsDue() throws Exception {
    CallRecord longCall = buffer.begin("conv-long", T0, CallRole.SLAVE, List.of(), List.of());
    CallRecord later = call("conv-later", CallRole.SLAVE, 5, 10);
    clock.set(T0.plusSeconds(300));
    GapAudit audit = audit();
    assertThat(audit.run(true)).isZero();

    buffer.finish(longCall.inum(), T0.plusSeconds(400), CallState.COMPLETE, MediaStats.NONE);
    clock.set(T0.plusSeconds(460));
    assertThat(audit.run(true)).isEqualTo(2);
    assertThat(reports).containsExactly(longCall.inum() + " promoted", later.inum() + " promoted");
  }

  @Test
  void aDatabaseThatIsDownPostponesTheAuditWithoutSkippingAnyCall() throws Exception {
    CallRecord missing = call("conv-1", CallRole.SLAVE, 0, 10);
    clock.set(T0.plusSeconds(100));
    GapAudit audit = audit();
    databaseDown = true;
    assertThatThrownBy(() -> audit.run(true)).isInstanceOf(SQLException.class);
    assertThat(workflow.contains(missing.inum())).isFalse();

    databaseDown = false;
    assertThat(audit.run(true)).isEqualTo(1);
    assertThat(reports).containsExactly(missing.inum() + " promoted");
  }

  @Test
  void aStaleFenceLinksNothingAndLeavesTheBatchDue() throws Exception {
    CallRecord present = call("conv-1", CallRole.SLAVE, 0, 10);
    database.add("conv-1");
    clock.set(T0.plusSeconds(100));
    GapAudit audit = audit();
    fenced = true;
    assertThatThrownBy(() -> audit.run(true)).isInstanceOf(FencedException.class);
    assertThat(linked).isEmpty();

    fenced = false;
    audit.run(true);
    assertThat(linked).containsExactly(present.inum());
  }

  @Test
  void aRestartedAuditGoesOnFromItsDurableCursor() throws Exception {
    CallRecord first = call("conv-1", CallRole.SLAVE, 0, 10);
    clock.set(T0.plusSeconds(100));
    assertThat(audit().run(false)).isEqualTo(1);
    CallRecord second = call("conv-2", CallRole.SLAVE, 50, 10);
    clock.set(T0.plusSeconds(200));

    store.close();
    openStore();
    assertThat(audit().run(false)).isEqualTo(1);

    assertThat(reports).containsExactly(first.inum() + " reported", second.inum() + " reported");
  }

  @Test
  void callsAreLinkedInBatchesOfAtMostOneThousand() throws Exception {
    List<Inum> inums = store.transaction(c -> {
      List<Inum> all = new ArrayList<>();
      for (int i = 0; i < 2500; i++) {
        all.add(call("conv-" + i, CallRole.SLAVE, i, 1).inum());
      }
      return all;
    });
    for (int i = 0; i < 2000; i++) {
      database.add("conv-" + i);
    }
    clock.set(T0.plusSeconds(5000));

    assertThat(audit().run(true)).isEqualTo(500);

    assertThat(batches).containsExactly(1000, 1000, 500);
    assertThat(linked).hasSize(2000);
    assertThat(workflow.presentAmong(inums)).containsExactlyInAnyOrderElementsOf(inums.subList(2000, 2500));
  }

  @Test
  void catchUpAuditsCallsThatEndedBeforeTheWindowWithoutWaitingForTheGracePeriod() throws Exception {
    CallRecord present = call("conv-1", CallRole.SLAVE, 0, 10);
    CallRecord missing = call("conv-2", CallRole.SLAVE, 5, 10);
    database.add("conv-1");
    clock.set(T0.plusSeconds(21));
    GapAudit audit = audit();
    assertThat(audit.run(true)).as("within the grace period").isZero();

    assertThat(audit.catchUp(T0.plusSeconds(20), true)).isEqualTo(1);

    assertThat(reports).containsExactly(missing.inum() + " promoted");
    assertThat(workflow.entry(missing.inum())).hasValueSatisfying(entry -> {
      assertThat(entry.state()).isEqualTo(WorkflowState.PENDING);
      assertThat(entry.promoted()).isTrue();
    });
    assertThat(workflow.contains(present.inum())).isFalse();
    assertThat(audit.gapsFound()).isEqualTo(1);
  }

  @Test
  void catchUpUnderReportPolicyReportsAMissingCallButDoesNotSubmitIt() throws Exception {
    CallRecord missing = call("conv-1", CallRole.SLAVE, 0, 10);
    clock.set(T0.plusSeconds(21));

    assertThat(audit().catchUp(T0.plusSeconds(20), false)).isEqualTo(1);

    assertThat(reports).containsExactly(missing.inum() + " reported");
    assertThat(workflow.contains(missing.inum())).isFalse();
  }

  @Test
  void catchUpIsNotHeldBackByACallStillRecordingAndLeavesItToThePromotion() throws Exception {
    CallRecord recording = buffer.begin("conv-long", T0, CallRole.SLAVE, List.of(), List.of());
    CallRecord missing = call("conv-later", CallRole.SLAVE, 5, 10);
    clock.set(T0.plusSeconds(31));

    assertThat(audit().catchUp(T0.plusSeconds(30), true)).isEqualTo(1);

    assertThat(reports).containsExactly(missing.inum() + " promoted");
    assertThat(workflow.contains(recording.inum())).isFalse();
  }

  @Test
  void catchUpLeavesCallsLiveAtTheWindowStartToThePromotionAndStopsAtTheWindow() throws Exception {
    CallRecord straddling = call("conv-straddling", CallRole.SLAVE, 0, 40);
    CallRecord inWindow = call("conv-in-window", CallRole.SLAVE, 35, 1);
    clock.set(T0.plusSeconds(41));
    assertThat(audit().catchUp(T0.plusSeconds(30), true)).isZero();
    assertThat(batches).isEmpty();
    // The promotion marks the straddling call.
    database.add("conv-straddling");

    store.close();
    openStore();
    clock.set(T0.plusSeconds(1000));
    assertThat(audit().run(true)).isEqualTo(1);

    assertThat(reports).as("the cursor moved past the straddling call, durably, and not into the window")
        .containsExactly(inWindow.inum() + " promoted");
    assertThat(linked).as("the straddling call, held back, audited once due").contains(straddling.inum());
    assertThat(workflow.contains(straddling.inum())).isFalse();
  }

  @Test
  void aCallStillRecordingThatACatchUpPassedIsAuditedOnceItEndsSoThatADemotionBeforeItsEndSkipsNothing()
      throws Exception {
    CallRecord recording = buffer.begin("conv-long", T0, CallRole.SLAVE, List.of(), List.of());
    CallRecord later = call("conv-later", CallRole.SLAVE, 40, 1);
    database.add("conv-later");
    clock.set(T0.plusSeconds(31));
    GapAudit audit = audit();
    assertThat(audit.catchUp(T0.plusSeconds(30), true)).isZero();
    // Demoted again before the call ended: it ends on a secondary, which does not submit it.
    buffer.finish(recording.inum(), T0.plusSeconds(50), CallState.COMPLETE, MediaStats.NONE);

    clock.set(T0.plusSeconds(50).plus(GRACE).minusSeconds(1));
    assertThat(audit.run(true)).as("within the grace period after its end").isZero();
    assertThat(reports).isEmpty();
    clock.set(T0.plusSeconds(50).plus(GRACE));
    assertThat(audit.run(true)).isEqualTo(1);

    assertThat(reports).containsExactly(recording.inum() + " promoted");
    assertThat(workflow.entry(recording.inum())).hasValueSatisfying(entry -> assertThat(entry.promoted()).isTrue());
    assertThat(linked).containsExactly(later.inum());
    clock.set(T0.plusSeconds(5000));
    assertThat(audit.run(true)).as("a call held back is audited once").isZero();
    assertThat(reports).hasSize(1);
  }

  @Test
  void aLaterCatchUpAuditsAtOnceTheCallsAnEarlierOneHeldBackThatEndedBeforeItsWindow() throws Exception {
    CallRecord recording = buffer.begin("conv-long", T0, CallRole.SLAVE, List.of(), List.of());
    clock.set(T0.plusSeconds(31));
    GapAudit audit = audit();
    assertThat(audit.catchUp(T0.plusSeconds(30), true)).isZero();
    buffer.finish(recording.inum(), T0.plusSeconds(50), CallState.COMPLETE, MediaStats.NONE);
    clock.set(T0.plusSeconds(61));

    assertThat(audit.catchUp(T0.plusSeconds(60), true)).isEqualTo(1);

    assertThat(reports).containsExactly(recording.inum() + " promoted");
  }

  @Test
  void catchUpGoesOnPastABatchThatEndsWithACallStillRecording() throws Exception {
    List<CallRecord> ended = new ArrayList<>();
    CallRecord[] recording = new CallRecord[1];
    store.transaction(c -> {
      for (int i = 0; i < GapAudit.BATCH - 1; i++) {
        ended.add(call("conv-" + i, CallRole.SLAVE, i, 1));
      }
      recording[0] = buffer.begin("conv-recording", T0.plusSeconds(GapAudit.BATCH), CallRole.SLAVE, List.of(),
          List.of());
      ended.add(call("conv-last", CallRole.SLAVE, GapAudit.BATCH + 1, 1));
      return null;
    });
    ended.forEach(call -> database.add(call.correlationKey()));
    database.remove("conv-last");
    clock.set(T0.plusSeconds(5000));

    assertThat(audit().catchUp(T0.plusSeconds(5000), true)).isEqualTo(1);

    assertThat(batches).containsExactly(GapAudit.BATCH - 1, 1);
    assertThat(reports).containsExactly(ended.getLast().inum() + " promoted");
    assertThat(workflow.contains(recording[0].inum())).isFalse();
  }

  @Test
  void aRegularPassInProgressGivesWayToACatchUpAfterItsBatch() throws Exception {
    store.transaction(c -> {
      for (int i = 0; i < 2500; i++) {
        call("conv-" + i, CallRole.SLAVE, i, 1);
      }
      return null;
    });
    clock.set(T0.plusSeconds(5000));
    CountDownLatch lookingUp = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    linkHook = () -> {
      lookingUp.countDown();
      release.await();
    };
    GapAudit audit = audit();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> regular = threads.submit(() -> audit.run(true));
      lookingUp.await();
      linkHook = () -> { };
      Thread[] catchingUp = new Thread[1];
      Future<Integer> catchUp = threads.submit(() -> {
        catchingUp[0] = Thread.currentThread();
        return audit.catchUp(T0.plusSeconds(5000), true);
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> catchingUp[0] != null
          && catchingUp[0].getState() == Thread.State.BLOCKED);
      release.countDown();

      assertThat(regular.get(30, TimeUnit.SECONDS)).as("the regular pass's one batch").isEqualTo(1000);
      assertThat(catchUp.get(30, TimeUnit.SECONDS)).isEqualTo(1500);
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
    assertThat(batches).containsExactly(1000, 1000, 500);
    assertThat(reports).hasSize(2500).doesNotHaveDuplicates();
  }

  private GapAudit audit() {
    return new GapAudit(new AuditCursor(store), workflow, this::link,
        call -> unsoundMedia.contains(call.inum()) ? MediaVerdict.unsound("media file is not a WAV file")
            : noMedia.contains(call.inum()) ? MediaVerdict.none("media file is missing") : MediaVerdict.sound(),
        (call, promoted) -> reports.add(call.inum() + (promoted ? " promoted" : " reported")), clock, GRACE);
  }

  /** Links as the call database does, by correlation key only. */
  private LinkResult link(List<CallRecord> calls, Set<Inum> lookUpOnly) throws Exception {
    linkHook.run();
    if (databaseDown) {
      throw new SQLException("connection refused", "08001");
    }
    if (fenced) {
      throw new FencedException(new Fence(100_002, 1), 2);
    }
    batches.add(calls.size());
    int linkedNow = 0;
    int already = 0;
    List<Inum> missing = new ArrayList<>();
    for (CallRecord call : calls) {
      if (linked.contains(call.inum())) {
        already++;
      } else if (!database.contains(call.correlationKey())) {
        missing.add(call.inum());
      } else if (!lookUpOnly.contains(call.inum())) {
        linked.add(call.inum());
        linkedAs.put(call.inum(), call);
        linkedNow++;
      }
    }
    return new LinkResult(linkedNow, already, missing);
  }

  private CallRecord call(String key, CallRole role, long startSecond, long seconds) {
    CallRecord call = buffer.begin(key, T0.plusSeconds(startSecond), role, List.of(), List.of());
    return buffer.finish(call.inum(), call.start().plusSeconds(seconds), CallState.COMPLETE, MediaStats.NONE);
  }

  /** Work run inside a batch's linking. */
  @FunctionalInterface
  private interface Hook {
    void run() throws Exception;
  }

  /** A clock the test moves by hand. */
  private static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
