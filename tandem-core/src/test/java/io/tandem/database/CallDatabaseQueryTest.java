package io.tandem.database;

import static io.tandem.database.DatabaseFixture.T0;
import static io.tandem.database.DatabaseFixture.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchiveTarget;
import io.tandem.archive.ArchivedCopy;
import io.tandem.archive.ObjectLock;
import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.Participant;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallDatabaseQueryTest {
  private static DatabaseFixture fixture;
  private CallDatabase database;
  private Fence main;

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
    main = fixture.registerPair("pair-q", 300_000);
  }

  @Test
  void interactionsAreThoseStartingInTheHalfOpenRangeOldestFirst() throws Exception {
    database.mark(main, List.of(startingAt(1, "late", Duration.ofMinutes(2)),
        startingAt(2, "early", Duration.ZERO), startingAt(3, "outside", Duration.ofMinutes(5))));

    List<InteractionView> found = database.interactions(T0, T0.plus(Duration.ofMinutes(5)), 10);

    assertThat(found).extracting(InteractionView::correlationKey).containsExactly("early", "late");
    assertThat(found.getFirst().participants()).isNull();
  }

  @Test
  void limitCutsTheList() throws Exception {
    database.mark(main, List.of(startingAt(1, "a", Duration.ZERO), startingAt(2, "b", Duration.ofSeconds(1))));

    assertThat(database.interactions(T0, T0.plusSeconds(60), 1)).hasSize(1);
  }

  @Test
  void recentInteractionsAreNewestFirst() throws Exception {
    database.mark(main, List.of(startingAt(1, "a", Duration.ZERO), startingAt(2, "b", Duration.ofSeconds(1))));

    assertThat(database.recentInteractions(50)).extracting(InteractionView::correlationKey).containsExactly("b", "a");
  }

  @Test
  void oneInteractionCarriesItsParticipants() throws Exception {
    database.mark(main, List.of(call(300_000, 1, "conv", 1000, CallState.COMPLETE)));
    long id = database.recentInteractions(1).getFirst().id();

    InteractionView interaction = database.interaction(id).orElseThrow();

    assertThat(interaction.participants()).containsExactly(new Participant("p1", "sip:alice@example.com", "Alice"));
    assertThat(interaction.copies()).singleElement().satisfies(copy -> assertThat(copy.marked()).isTrue());
    assertThat(database.interaction(id + 1000)).isEmpty();
  }

  @Test
  void bestCopySourceNamesTheRecorderUntilTheCopyIsArchived() throws Exception {
    database.mark(main, List.of(call(300_000, 1, "conv", 1000, CallState.COMPLETE)));
    long id = database.recentInteractions(1).getFirst().id();
    Inum inum = Inum.of(300_000, 1);

    assertThat(database.bestCopySource(id)).contains(new MediaSource(inum, 300_000, "http://127.0.0.1:1", null));

    database.recordArchived(inum, "/archive/a.wav", "ab12", 8000);
    database.recordArchived(inum, "/archive/b.wav", "cd34", 8000);
    assertThat(database.bestCopySource(id)).contains(new MediaSource(inum, 300_000, "http://127.0.0.1:1",
        "/archive/b.wav"));
  }

  @Test
  void archiveRulesAreStoredWithTheirIds() throws Exception {
    ArchiveRule all = database.addRule("all", null, 0, Path.of("archive"), true);
    ArchiveRule long1 = database.addRule("long", 300_000, 60_000, Path.of("archive-long"), false);

    assertThat(database.rules()).containsExactly(all, long1);
    assertThat(all.id()).isLessThan(long1.id());
  }

  @Test
  void aRuleNamingAnS3TargetKeepsItsPrefixAndLockAndCanBeChanged() throws Exception {
    ArchiveRule locked = database.addRule(new ArchiveRule(0, "locked", null, 0,
        new ArchiveTarget.S3("calls", "tandem/"), new ObjectLock(ObjectLock.RetentionMode.COMPLIANCE, 2555, true),
        true));
    ArchiveRule folder = database.addRule("folder", null, 0, Path.of("/srv/archive"), true);

    assertThat(database.rules()).containsExactly(locked, folder);
    ArchiveRule changed = new ArchiveRule(locked.id(), "locked", 300_000, 0, new ArchiveTarget.S3("other", ""),
        new ObjectLock(ObjectLock.RetentionMode.GOVERNANCE, 30, false), false);
    assertThat(database.updateRule(changed)).isTrue();
    assertThat(database.rules()).containsExactly(changed, folder);
  }

  @Test
  void aCopyShowsItsArchiveStateWithTheLockItWasWrittenUnder() throws Exception {
    database.mark(main, List.of(call(300_000, 1, "conv", 1000, CallState.COMPLETE)));
    Inum inum = Inum.of(300_000, 1);
    assertThat(database.recentInteractions(1).getFirst().copies().getFirst().archive()).isNull();
    Instant until = Instant.parse("2033-11-26T00:00:00Z");

    database.recordArchived(inum, new ArchivedCopy("s3:calls/2026/11/26/" + inum + ".wav", "ab12", 8000,
        ObjectLock.RetentionMode.COMPLIANCE, until, true));

    CopyArchive state = database.recentInteractions(1).getFirst().copies().getFirst().archive();
    assertThat(state.location()).isEqualTo("s3:calls/2026/11/26/" + inum + ".wav");
    assertThat(state.sha256()).isEqualTo("ab12");
    assertThat(state.bytes()).isEqualTo(8000);
    assertThat(state.archivedAt()).isNotNull();
    assertThat(state.retentionMode()).isEqualTo(ObjectLock.RetentionMode.COMPLIANCE);
    assertThat(state.retainUntil()).isEqualTo(until);
    assertThat(state.legalHold()).isTrue();
  }

  @Test
  void eventsAreListedOldestFirstWithTheirFigures() throws Exception {
    database.appendEvent("RECORDER_DOWN", "pair-q", Map.of("serial", "300000"));
    database.appendEvent("FAILOVER", "pair-q", Map.of("promoted", 12, "alreadyPresent", 3));

    List<EventView> events = database.events();

    assertThat(events).extracting(EventView::type).containsExactly("RECORDER_DOWN", "FAILOVER");
    assertThat(events.get(1).details()).containsEntry("promoted", 12).containsEntry("alreadyPresent", 3);
    assertThat(events.get(1).pair()).isEqualTo("pair-q");
  }

  @Test
  void auditRowsAreAppended() throws Exception {
    database.audit(new io.tandem.audit.AuditEntry("admin", "reprocess", "recorder 300000", "2026-11-26", "ok"));

    assertThat(fixture.count("audit")).isEqualTo(1);
  }

  @Test
  void interactionCountCountsInteractionsNotCopies() throws Exception {
    database.mark(main, List.of(call(300_000, 1, "conv", 1000, CallState.COMPLETE)));
    database.mark(new Fence(300_001, 1), List.of(call(300_001, 1, "conv", 1000, CallState.COMPLETE)));

    assertThat(database.interactionCount()).isEqualTo(1);
  }

  private static CallRecord startingAt(long sequence, String key, Duration offset) {
    CallRecord base = call(300_000, sequence, key, 1000, CallState.COMPLETE);
    return new CallRecord(base.inum(), key, T0.plus(offset), T0.plus(offset).plusSeconds(1), base.callRole(),
        base.state(), base.participants(), base.streams(), base.stats(), base.mediaPath());
  }
}
