package io.tandem.database;

import static io.tandem.database.CallBuilder.master;
import static io.tandem.database.CallBuilder.slave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.Inum;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The secondary's copies linked to the interactions of their conversations, as its gap audit links them. */
class CallDatabaseLinkTest {
  private static final int MAIN = 100_000;
  private static final int BACKUP = 100_001;

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
    database = CallDatabase.connect(fixture.server.config(4));
    main = fixture.registerPair("pair-a", MAIN);
    backup = new Fence(BACKUP, main.epoch());
  }

  @AfterEach
  void closeDatabase() {
    database.close();
  }

  @Test
  void theSecondarysCopyIsLinkedToTheMainsInteractionAndNoInteractionIsCreated() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").build()));

    LinkResult result = database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").build(),
        slave(BACKUP, 2).key("conv-2").build()), Set.of());

    assertThat(result).isEqualTo(new LinkResult(1, 0, List.of(Inum.of(BACKUP, 2))));
    assertThat(fixture.count("interactions")).isEqualTo(1);
    assertThat(onlyInteraction().copies()).extracting(CopyView::inum, CopyView::callRole)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("100000000000001", CallRole.MASTER),
            org.assertj.core.groups.Tuple.tuple("100001000000001", CallRole.SLAVE));
  }

  @Test
  void linkingAgainLeavesEveryCopyAsItIs() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").build()));
    List<CallRecord> calls = List.of(slave(BACKUP, 1).key("conv-1").build());
    database.link(backup, calls, Set.of());
    String versions = rowVersions();

    LinkResult again = database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").millis(5000).build()),
        Set.of());

    assertThat(again).isEqualTo(new LinkResult(0, 1, List.of()));
    assertThat(rowVersions()).isEqualTo(versions);
  }

  @Test
  void aTruncatedCopyMarkedFirstIsReplacedAsBestWhenACompleteOneIsLinked() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").millis(9000).truncated().build()));

    database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").millis(4000).build()), Set.of());

    assertThat(onlyInteraction().bestInum()).isEqualTo("100001000000001");
  }

  @Test
  void aCopyThatHoldsNothingIsLinkedButNeverBestOverACopyWithMediaAndReplayTriesItLast() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").millis(9000).build().withoutMedia()));
    assertThat(onlyInteraction().bestInum()).as("best while it is the only copy").isEqualTo("100000000000001");

    database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").millis(700).truncated().build()), Set.of());
    database.mark(main, List.of(master(MAIN, 2).key("conv-2").millis(3000).truncated().build()));
    database.link(backup, List.of(slave(BACKUP, 2).key("conv-2").millis(3000).build().withoutMedia()), Set.of());

    List<InteractionView> interactions = database.interactions(DatabaseFixture.T0.minusSeconds(1),
        DatabaseFixture.T0.plusSeconds(60), 10);
    assertThat(interactions).extracting(InteractionView::bestInum)
        .containsExactlyInAnyOrder("100001000000001", "100000000000002");
    for (InteractionView interaction : interactions) {
      assertThat(interaction.copies()).as("copies of %s", interaction.correlationKey()).hasSize(2)
          .filteredOn(copy -> copy.quirks().contains(CallRecord.NO_MEDIA)).singleElement()
          .satisfies(empty -> {
            assertThat(empty.complete()).isFalse();
            assertThat(empty.inum()).isNotEqualTo(interaction.bestInum());
            assertThat(database.copySources(interaction.id()).getLast().inum().toString())
                .as("the copy replay tries last").isEqualTo(empty.inum());
          });
    }
  }

  @Test
  void replayTriesTheMarkedBestCopyFirstThenEveryOtherCopyByTheBestCopyRule() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").millis(9000).build()));
    database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").millis(8000).build()), Set.of());
    long id = onlyInteraction().id();
    database.recordArchived(Inum.of(BACKUP, 1), "archive/b.wav", "ab12", 8000);

    assertThat(database.copySources(id)).extracting(MediaSource::inum, MediaSource::archiveLocation)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Inum.of(MAIN, 1), null),
            org.assertj.core.groups.Tuple.tuple(Inum.of(BACKUP, 1), "archive/b.wav"));
    assertThat(database.copySources(id + 1000)).isEmpty();
  }

  @Test
  void aLinkedCopyThatReachesBeyondTheInteractionWidensIt() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").startMillisAfterT0(500).millis(1000).build()));

    database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").millis(3000).build()), Set.of());

    assertThat(onlyInteraction().start()).isEqualTo(DatabaseFixture.T0);
    assertThat(onlyInteraction().end()).isEqualTo(DatabaseFixture.T0.plusMillis(3000));
  }

  @Test
  void aLinkedCopyThatReachesMillisecondsPastTheInteractionLeavesItsRowUnwritten() throws Exception {
    // The two recorders see the conversation begin and end a few milliseconds apart, either one first.
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").startMillisAfterT0(3).millis(5000).build(),
        master(MAIN, 2).key("conv-2").startMillisAfterT0(60_000).millis(5000).build()));
    String interactionsBefore = fixture.text("SELECT string_agg(xmin::text || ':' || start_time || ':' || end_time"
        + " || ':' || best_inum, ',' ORDER BY id) FROM interactions");

    LinkResult result = database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").millis(5000).build(),
        slave(BACKUP, 2).key("conv-2").startMillisAfterT0(60_003).millis(5000).build()), Set.of());

    assertThat(result.linked()).isEqualTo(2);
    assertThat(fixture.text("SELECT count(*) FROM copies WHERE serial = " + BACKUP)).isEqualTo("2");
    assertThat(fixture.text("SELECT string_agg(xmin::text || ':' || start_time || ':' || end_time || ':' || best_inum,"
        + " ',' ORDER BY id) FROM interactions")).as("every interaction's row as it was")
        .isEqualTo(interactionsBefore);
  }

  @Test
  void aLinkedCopyMoreThanASecondBeforeTheInteractionMovesItsStartExactly() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").startMillisAfterT0(2000).millis(5000).build()));

    database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").millis(5000).build()), Set.of());

    assertThat(onlyInteraction().start()).isEqualTo(DatabaseFixture.T0);
    assertThat(onlyInteraction().end()).isEqualTo(DatabaseFixture.T0.plusMillis(7000));
    assertThat(onlyInteraction().bestInum()).as("equal media: the lower INUM").isEqualTo("100000000000001");
  }

  @Test
  void aLinkedCopyThatBecomesBestSetsTheExactSpanEvenMillisecondsAway() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").startMillisAfterT0(3).millis(4000).truncated()
        .build()));

    database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").millis(4005).build()), Set.of());

    assertThat(onlyInteraction().bestInum()).isEqualTo("100001000000001");
    assertThat(onlyInteraction().start()).isEqualTo(DatabaseFixture.T0);
    assertThat(onlyInteraction().end()).isEqualTo(DatabaseFixture.T0.plusMillis(4005));
  }

  @Test
  void copiesWithTheirOwnSessionIdsAreLinkedByParticipantsAndTheirKeysNameTheInteractionAfter() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between("sip:alice@a", "sip:bob@b").build()));

    LinkResult result = database.link(backup, List.of(slave(BACKUP, 1).key("backup-1").startMillisAfterT0(700)
        .between("sip:bob@b", "sip:alice@a").build()), Set.of());
    MarkResult promotedLater = database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1")
        .startMillisAfterT0(700).between("sip:bob@b", "sip:alice@a").build()));

    assertThat(result).isEqualTo(new LinkResult(1, 0, List.of()));
    assertThat(promotedLater).isEqualTo(new MarkResult(0, 1, 0));
    assertThat(onlyInteraction().copies()).hasSize(2);
  }

  @Test
  void callsToLookUpOnlyAreFoundOrMissedButNeverLinked() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").build()));
    CallRecord found = slave(BACKUP, 1).key("conv-1").build();
    CallRecord missing = slave(BACKUP, 2).key("conv-2").build();

    LinkResult result = database.link(backup, List.of(found, missing), Set.of(found.inum(), missing.inum()));

    assertThat(result).isEqualTo(new LinkResult(0, 0, List.of(missing.inum())));
    assertThat(fixture.count("copies")).isEqualTo(1);
  }

  @Test
  void aStaleEpochLinksNothing() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").build()));
    fixture.execute("UPDATE pairs SET epoch = 2 WHERE name = 'pair-a'");

    assertThatThrownBy(() -> database.link(backup, List.of(slave(BACKUP, 1).key("conv-1").build()), Set.of()))
        .isInstanceOfSatisfying(FencedException.class, e -> assertThat(e.currentEpoch()).isEqualTo(2));
    assertThat(fixture.count("copies")).isEqualTo(1);
  }

  @Test
  void theMastersCopiesOfAFormerPrimaryAreLinkedToo() throws Exception {
    database.mark(backup, List.of(slave(BACKUP, 1).key("conv-1").millis(2000).build()));

    LinkResult result = database.link(main, List.of(master(MAIN, 1).key("conv-1").millis(800).truncated().build()),
        Set.of());

    assertThat(result.linked()).isEqualTo(1);
    assertThat(onlyInteraction().copies()).extracting(CopyView::callRole)
        .containsExactly(CallRole.MASTER, CallRole.SLAVE);
    assertThat(onlyInteraction().bestInum()).isEqualTo("100001000000001");
  }

  @Test
  void aLargeBatchIsLinkedInOneCall() throws Exception {
    List<CallRecord> marked = new ArrayList<>();
    List<CallRecord> secondary = new ArrayList<>();
    for (int i = 1; i <= 3000; i++) {
      marked.add(master(MAIN, i).key("conv-" + i).startMillisAfterT0(1000L * i).build());
      secondary.add(slave(BACKUP, i).key("conv-" + i).startMillisAfterT0(1000L * i).millis(1200).build());
    }
    database.mark(main, marked);

    LinkResult result = database.link(backup, secondary, Set.of());

    assertThat(result).isEqualTo(new LinkResult(3000, 0, List.of()));
    assertThat(fixture.text("SELECT count(*) FROM interactions i JOIN copies c ON c.inum = i.best_inum"
        + " WHERE c.serial = " + BACKUP)).isEqualTo("3000");
  }

  @Test
  void aLargeBatchIsWrittenAsTwoHalvesAtOnceWithWhatOneTransactionWouldWrite() throws Exception {
    List<CallRecord> marked = new ArrayList<>();
    List<CallRecord> secondary = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      // Half share the Main's key, half carry keys of their own and are found by participants; every copy
      // starts before the Main's and ends after it, and every odd one is complete where the Main's is not.
      CallBuilder main = master(MAIN, i).key("conv-" + i).startMillisAfterT0(1000L * i + 5).millis(900)
          .between("sip:" + i + "@a", "sip:agent@b");
      marked.add(i % 2 == 1 ? main.truncated().build() : main.build());
      secondary.add(slave(BACKUP, i).key(i <= 500 ? "conv-" + i : "backup-" + i).startMillisAfterT0(1000L * i)
          .millis(950).between("sip:agent@b", "sip:" + i + "@a").build());
    }
    database.mark(main, marked);

    LinkResult result = database.link(backup, secondary, Set.of());

    assertThat(result).isEqualTo(new LinkResult(1000, 0, List.of()));
    assertThat(fixture.text("SELECT count(DISTINCT xmin::text) FROM copies WHERE serial = " + BACKUP))
        .as("transactions that wrote the Backup's copies").isEqualTo("2");
    assertThat(fixture.text("SELECT count(*) FROM interactions i JOIN copies c ON c.interaction_id = i.id"
        + " WHERE c.serial = " + BACKUP + " AND i.merged_into IS NULL AND i.start_time = c.start_time"
        + " AND i.end_time = c.end_time")).as("interactions widened to their Backup's copies").isEqualTo("1000");
    assertThat(fixture.text("SELECT string_agg(DISTINCT c.serial::text, ',') FROM interactions i"
        + " JOIN copies c ON c.inum = i.best_inum WHERE i.merged_into IS NULL AND i.correlation_key IN"
        + " ('conv-1', 'conv-3', 'conv-999')")).as("best copy where the Main's is truncated").isEqualTo("100001");
    assertThat(fixture.text("SELECT count(*) FROM interactions i JOIN copies c ON c.inum = i.best_inum"
        + " WHERE c.serial = " + BACKUP)).as("best copies of the Backup: the odd ones and the longer even ones")
        .isEqualTo("1000");
    assertThat(fixture.text("SELECT count(*) FROM interaction_keys k JOIN interactions i ON i.id = k.interaction_id"
        + " WHERE i.merged_into IS NULL AND i.correlation_key <> k.correlation_key"))
        .as("tombstones for the keys found by participants").isEqualTo("500");
  }

  @Test
  void aBatchWhoseKeyWouldBeInBothHalvesIsWrittenWhole() throws Exception {
    List<CallRecord> marked = new ArrayList<>();
    List<CallRecord> secondary = new ArrayList<>();
    for (int i = 1; i <= 600; i++) {
      marked.add(master(MAIN, i).key("conv-" + i).startMillisAfterT0(1000L * i).between("sip:" + i + "@a",
          "sip:agent@b").build());
      // The first and the last share a session id that names nothing: each is found by its participants.
      String key = i == 1 || i == 600 ? "reused" : "conv-" + i;
      secondary.add(slave(BACKUP, i).key(key).startMillisAfterT0(1000L * i).between("sip:" + i + "@a",
          "sip:agent@b").build());
    }
    database.mark(main, marked);

    LinkResult result = database.link(backup, secondary, Set.of());

    assertThat(result).isEqualTo(new LinkResult(600, 0, List.of()));
    assertThat(fixture.text("SELECT count(DISTINCT xmin::text) FROM copies WHERE serial = " + BACKUP))
        .as("transactions that wrote the Backup's copies").isEqualTo("1");
    assertThat(fixture.text("SELECT count(*) FROM copies c JOIN interactions i ON i.id = c.interaction_id"
        + " WHERE c.serial = " + BACKUP + " AND i.correlation_key IN ('conv-1', 'conv-600')"))
        .as("each copy of the shared key with its own conversation").isEqualTo("2");
  }

  private static String rowVersions() throws Exception {
    return fixture.text("SELECT string_agg(xmin::text, ',' ORDER BY id) FROM interactions") + "/"
        + fixture.text("SELECT string_agg(xmin::text, ',' ORDER BY inum) FROM copies");
  }

  private InteractionView onlyInteraction() throws Exception {
    List<InteractionView> all = database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 10);
    assertThat(all).hasSize(1);
    return all.getFirst();
  }
}
