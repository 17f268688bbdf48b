package io.tandem.callbuffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.database.LegalHold;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention rolls off only calls whose copies the call database holds, and counts what it holds back. */
class RetentionHoldsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(30);

  @TempDir
  Path dataDir;
  private LocalStore store;
  private CallBuffer buffer;
  /** The INUMs the fake call database holds as copies. */
  private final Set<Long> copies = new HashSet<>();
  /** Every batch of INUMs the call database was asked about. */
  private final List<Set<Long>> asked = new ArrayList<>();

  @BeforeEach
  void openBuffer() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = CallBufferTest.bufferOn(store);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void anUnlinkedCallPastRetentionIsKeptAndCountedAndALinkedOneRolledOff() throws IOException {
    CallRecord unlinked = finished("unlinked", NOW.minus(Duration.ofDays(40)), 1_000);
    CallRecord linked = finished("linked", NOW.minus(Duration.ofDays(39)), 3_000);
    CallRecord fresh = finished("fresh", NOW.minus(Duration.ofDays(1)), 5_000);
    copies.add(linked.inum().value());

    RetentionResult result = pass(List.of(), Long.MAX_VALUE);

    assertThat(result.removed()).isEqualTo(1);
    assertThat(result.heldCalls()).isEqualTo(1);
    assertThat(result.heldBytes()).isEqualTo(1_000);
    assertThat(result.full()).isFalse();
    assertThat(buffer.find(linked.inum())).isEmpty();
    assertThat(dataDir.resolve(linked.mediaPath())).doesNotExist();
    assertThat(buffer.find(unlinked.inum())).isPresent();
    assertThat(dataDir.resolve(unlinked.mediaPath())).exists();
    assertThat(buffer.find(fresh.inum())).isPresent();
  }

  @Test
  void anUnlinkedCallIsRolledOffAtTheNextPassOnceLinked() throws IOException {
    CallRecord call = finished("late", NOW.minus(Duration.ofDays(40)), 1_000);
    assertThat(pass(List.of(), Long.MAX_VALUE).removed()).isZero();

    copies.add(call.inum().value());
    RetentionResult result = pass(List.of(), Long.MAX_VALUE);

    assertThat(result.removed()).isEqualTo(1);
    assertThat(result.heldCalls()).isZero();
    assertThat(result.heldBytes()).isZero();
    assertThat(buffer.find(call.inum())).isEmpty();
  }

  @Test
  void aCallAwaitingReprocessIsKeptEvenWhenLinked() throws IOException {
    CallRecord awaiting = finished("awaiting", NOW.minus(Duration.ofDays(40)), 1_000);
    copies.add(awaiting.inum().value());
    workflowEntry(awaiting.inum(), "AWAITING_REPROCESS");

    RetentionResult result = pass(List.of(), Long.MAX_VALUE);

    assertThat(result.removed()).isZero();
    assertThat(result.heldCalls()).isEqualTo(1);
    assertThat(buffer.find(awaiting.inum())).isPresent();
  }

  /**
   * A Rebuild Full re-adds its range's entries a chunk at a time after clearing the Workflow; until it has ended,
   * the calls of its range are kept though linked, or the Full would add entries for calls retention took meanwhile.
   */
  @Test
  void callsInTheRangeOfAFullThatHasNotEndedAreKeptEvenWhenLinked() throws IOException {
    CallRecord inRange = finished("in-range", NOW.minus(Duration.ofDays(40)), 1_000);
    CallRecord before = finished("before", NOW.minus(Duration.ofDays(50)), 2_000);
    copies.add(inRange.inum().value());
    copies.add(before.inum().value());
    unendedFull(NOW.minus(Duration.ofDays(45)), NOW);

    RetentionResult result = pass(List.of(), Long.MAX_VALUE);

    assertThat(result.removed()).isEqualTo(1);
    assertThat(result.heldCalls()).isEqualTo(1);
    assertThat(result.heldBytes()).isEqualTo(1_000);
    assertThat(buffer.find(inRange.inum())).isPresent();
    assertThat(buffer.find(before.inum())).isEmpty();

    store.transaction(c -> c.createStatement().executeUpdate("DELETE FROM rebuild_full"));
    assertThat(pass(List.of(), Long.MAX_VALUE).removed()).as("once the Full has ended").isEqualTo(1);
    assertThat(buffer.find(inRange.inum())).isEmpty();
  }

  @Test
  void aCallMarkedHereIsRolledOffWithoutAskingTheCallDatabase() throws IOException {
    CallRecord marked = finished("marked", NOW.minus(Duration.ofDays(40)), 1_000);
    workflowEntry(marked.inum(), "DONE");

    RetentionResult result = pass(List.of(), Long.MAX_VALUE);

    assertThat(result.removed()).isEqualTo(1);
    assertThat(asked).allSatisfy(batch -> assertThat(batch).doesNotContain(marked.inum().value()));
  }

  @Test
  void aLegalHoldKeepsLinkedCallsThatStartedInItsRangeAndOnlyThose() throws IOException {
    CallRecord before = finished("before", NOW.minus(Duration.ofDays(50)), 1_000);
    CallRecord inside = finished("inside", NOW.minus(Duration.ofDays(45)), 2_000);
    CallRecord after = finished("after", NOW.minus(Duration.ofDays(40)), 4_000);
    for (CallRecord call : List.of(before, inside, after)) {
      workflowEntry(call.inum(), "DONE");
    }
    LegalHold hold = new LegalHold(1, "pair-1", NOW.minus(Duration.ofDays(46)), NOW.minus(Duration.ofDays(44)),
        "case 42", NOW, "test");

    RetentionResult held = pass(List.of(hold), Long.MAX_VALUE);

    assertThat(held.removed()).isEqualTo(2);
    assertThat(held.heldCalls()).isEqualTo(1);
    assertThat(held.heldBytes()).isEqualTo(2_000);
    assertThat(buffer.find(inside.inum())).isPresent();
    assertThat(buffer.find(before.inum())).isEmpty();
    assertThat(buffer.find(after.inum())).isEmpty();

    assertThat(pass(List.of(), Long.MAX_VALUE).removed()).isEqualTo(1);
    assertThat(buffer.find(inside.inum())).isEmpty();
  }

  @Test
  void unknownLegalHoldsKeepEveryCall() throws IOException {
    CallRecord marked = finished("marked", NOW.minus(Duration.ofDays(40)), 1_000);
    workflowEntry(marked.inum(), "DONE");

    RetentionResult result = pass(null, Long.MAX_VALUE);

    assertThat(result.removed()).isZero();
    assertThat(result.heldCalls()).isEqualTo(1);
    assertThat(buffer.find(marked.inum())).isPresent();
  }

  @Test
  void aCallDatabaseThatCannotAnswerLeavesItsCallsHeld() throws IOException {
    CallRecord call = finished("asked", NOW.minus(Duration.ofDays(40)), 1_000);
    copies.add(call.inum().value());

    RetentionResult result = buffer.applyRetention(new RetentionRules(NOW.minus(RETENTION), Long.MAX_VALUE,
        List.of(), inums -> {
          throw new java.sql.SQLTransientConnectionException("the call database is down");
        }), dataDir);

    assertThat(result.removed()).isZero();
    assertThat(result.heldCalls()).isEqualTo(1);
    assertThat(buffer.find(call.inum())).isPresent();
  }

  @Test
  void aPassAsksACallDatabaseThatCannotAnswerOnceNotOnceABatch() throws IOException {
    for (int i = 0; i < 450; i++) {
      finished("unasked-" + i, NOW.minus(Duration.ofDays(60)).plusSeconds(i), 10);
    }
    int[] asks = {0};

    RetentionResult result = buffer.applyRetention(new RetentionRules(NOW.minus(RETENTION), Long.MAX_VALUE,
        List.of(), inums -> {
          asks[0]++;
          throw new java.sql.SQLTransientConnectionException("the call database is down");
        }), dataDir);

    assertThat(asks[0]).isEqualTo(1);
    assertThat(result.heldCalls()).isEqualTo(450);
    assertThat(result.removed()).isZero();
  }

  @Test
  void heldCallsOverTheSizeMakeTheBufferFullUntilTheyAreLinked() throws IOException {
    CallRecord first = finished("1", NOW.minusSeconds(300), 1_000);
    CallRecord second = finished("2", NOW.minusSeconds(200), 1_000);
    CallRecord linked = finished("3", NOW.minusSeconds(100), 1_000);
    copies.add(linked.inum().value());

    RetentionResult full = pass(List.of(), 1_500);

    assertThat(full.removed()).isEqualTo(1);
    assertThat(buffer.find(linked.inum())).isEmpty();
    assertThat(full.heldCalls()).isEqualTo(2);
    assertThat(full.heldBytes()).isEqualTo(2_000);
    assertThat(full.bufferBytes()).isEqualTo(2_000);
    assertThat(full.full()).isTrue();

    copies.add(first.inum().value());
    RetentionResult room = pass(List.of(), 1_500);

    assertThat(room.removed()).isEqualTo(1);
    assertThat(room.full()).isFalse();
    assertThat(room.bufferBytes()).isEqualTo(1_000);
    assertThat(buffer.find(second.inum())).isPresent();
  }

  @Test
  void aPassWalksPastManyHeldCallsToTheLinkedOnesBehindThem() throws IOException {
    List<CallRecord> held = new ArrayList<>();
    for (int i = 0; i < 450; i++) {
      held.add(finished("held-" + i, NOW.minus(Duration.ofDays(60)).plusSeconds(i), 10));
    }
    CallRecord linked = finished("linked", NOW.minus(Duration.ofDays(31)), 10);
    copies.add(linked.inum().value());

    RetentionResult result = pass(List.of(), Long.MAX_VALUE);

    assertThat(result.removed()).isEqualTo(1);
    assertThat(result.heldCalls()).isEqualTo(450);
    assertThat(buffer.find(linked.inum())).isEmpty();
    assertThat(buffer.find(held.getLast().inum())).isPresent();
  }

  private RetentionResult pass(List<LegalHold> holds, long maxBytes) {
    return buffer.applyRetention(new RetentionRules(NOW.minus(RETENTION), maxBytes, holds, inums -> {
      Set<Long> batch = new HashSet<>();
      Set<Long> found = new HashSet<>();
      for (long inum : inums) {
        batch.add(inum);
        if (copies.contains(inum)) {
          found.add(inum);
        }
      }
      asked.add(batch);
      return found;
    }), dataDir);
  }

  private CallRecord finished(String key, Instant start, long bytes) throws IOException {
    CallRecord call = buffer.begin(key, start, CallRole.SLAVE, List.of(), List.of());
    Path media = dataDir.resolve(call.mediaPath());
    Files.createDirectories(media.getParent());
    Files.write(media, new byte[(int) bytes + 44]);
    return buffer.finish(call.inum(), start.plusSeconds(1), CallState.COMPLETE, new MediaStats(1, 0, bytes, 1));
  }

  private void unendedFull(Instant from, Instant to) {
    store.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO rebuild_full (id, command, from_time, to_time,"
          + " include_master, include_slave) VALUES (1, 'Rebuild Full true true', ?, ?, 1, 1)")) {
        insert.setString(1, from.toString());
        insert.setString(2, to.toString());
        return insert.executeUpdate();
      }
    });
  }

  private void workflowEntry(Inum inum, String state) {
    store.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO workflow (inum, state, next_attempt_millis, "
          + "updated_millis) VALUES (?, ?, 0, 0)")) {
        insert.setLong(1, inum.value());
        insert.setString(2, state);
        return insert.executeUpdate();
      }
    });
  }
}
