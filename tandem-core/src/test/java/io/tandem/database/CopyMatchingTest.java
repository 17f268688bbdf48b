package io.tandem.database;

import static io.tandem.database.CallBuilder.master;
import static io.tandem.database.CallBuilder.slave;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Copies of one conversation whose recorders were each sent their own session id end in one interaction. */
class CopyMatchingTest {
  private static final int MAIN = 100_000;
  private static final int BACKUP = 100_001;
  private static final String ALICE = "sip:+1-555-0100@sbc.example";
  private static final String BOB = "sip:agent7@callee.example";

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
  void aPromotedCopyJoinsTheInteractionWithItsSipIdentity() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").sipIdentity("abc@sbc").between(ALICE, BOB).build()));

    MarkResult promoted = database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").sipIdentity("abc@sbc")
        .startMillisAfterT0(30_000).between("sip:somebody@else").build()));

    assertThat(promoted).isEqualTo(new MarkResult(1, 0, 0));
    InteractionView only = onlyInteraction();
    assertThat(only.correlationKey()).isEqualTo("main-1");
    assertThat(only.copies()).extracting(CopyView::inum).containsExactly("100000000000001", "100001000000001");
  }

  @Test
  void withoutSipIdentityAPromotedCopyJoinsByParticipantsStartingExactlyTheToleranceApart() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between(ALICE, BOB).build()));

    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").startMillisAfterT0(2000)
        .between("tel:+15550100", "sip:Agent7@other.example").build()));

    assertThat(onlyInteraction().copies()).hasSize(2);
    assertThat(onlyInteraction().start()).isEqualTo(DatabaseFixture.T0);
  }

  @Test
  void startsOneMillisecondBeyondTheToleranceAreTwoConversations() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between(ALICE, BOB).build()));

    MarkResult promoted = database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").startMillisAfterT0(-2001)
        .between(ALICE, BOB).build()));

    assertThat(promoted).isEqualTo(new MarkResult(1, 0, 1));
    assertThat(interactions()).hasSize(2);
  }

  @Test
  void aCopyThatStartedLateBecauseItsRecorderCameUpDuringTheCallJoinsByItsEnd() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between(ALICE, BOB).millis(10_000).build()));

    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").startMillisAfterT0(7800).millis(2000)
        .between(ALICE, BOB).build(), slave(BACKUP, 2).key("backup-2").startMillisAfterT0(7800).millis(2201)
        .between(ALICE, "sip:carol@c").build()));

    assertThat(interactions()).extracting(view -> view.correlationKey() + view.copies().size())
        .containsExactly("main-12", "backup-21");
  }

  @Test
  void interactionsWhoseCopiesEndTogetherAreMergedThoughOneStartedLate() throws Exception {
    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").between(ALICE, BOB).millis(10_000).build()));
    database.mark(main, List.of(master(MAIN, 1).key("main-1").startMillisAfterT0(7900).millis(2050)
        .between(ALICE, BOB).build()));

    assertThat(database.mergeTwinInteractions()).isEqualTo(1);

    assertThat(onlyInteraction().copies()).hasSize(2);
    assertThat(onlyInteraction().end()).isEqualTo(DatabaseFixture.T0.plusMillis(10_000));
  }

  @Test
  void theToleranceIsThePairsSetting() throws Exception {
    assertThat(database.updatePairPolicy("pair-a", null, null, null, 500)).isTrue();
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between(ALICE, BOB).build(),
        master(MAIN, 2).key("main-2").startMillisAfterT0(60_000).between(ALICE, BOB).build()));

    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").startMillisAfterT0(501).between(ALICE, BOB).build(),
        slave(BACKUP, 2).key("backup-2").startMillisAfterT0(60_500).between(ALICE, BOB).build()));

    assertThat(interactions()).extracting(InteractionView::correlationKey)
        .containsExactly("main-1", "backup-1", "main-2");
    assertThat(database.pairs().getFirst().matchToleranceMillis()).isEqualTo(500);
  }

  @Test
  void participantsMatchOnlyAnInteractionWithACopyOfTheOtherRecorderAndNoneOfThisOne() throws Exception {
    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").between(ALICE, BOB).build()));
    database.mark(main, List.of(master(MAIN, 1).key("main-1").startMillisAfterT0(100).between(ALICE, BOB).build()));

    // The Main's interaction is the only one with a copy of the Main and none of the Backup.
    database.mark(backup, List.of(slave(BACKUP, 2).key("backup-2").startMillisAfterT0(50).between(ALICE, BOB)
        .build()));

    assertThat(interactions()).extracting(view -> view.correlationKey() + view.copies().size())
        .containsExactly("backup-11", "main-12");
  }

  @Test
  void anAmbiguousMatchByParticipantsIsNoMatchAndIsNeverMerged() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between(ALICE, BOB).build(),
        master(MAIN, 2).key("main-2").startMillisAfterT0(1500).between(ALICE, BOB).build()));

    MarkResult promoted = database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").startMillisAfterT0(1200)
        .between(ALICE, BOB).build()));
    int merged = database.mergeTwinInteractions();

    assertThat(promoted).isEqualTo(new MarkResult(1, 0, 1));
    assertThat(merged).isZero();
    assertThat(interactions()).extracting(InteractionView::correlationKey)
        .containsExactly("main-1", "backup-1", "main-2");
  }

  @Test
  void twoCallsOfABatchThatMatchOneInteractionByParticipantsMatchNothing() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between(ALICE, BOB).build()));

    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").startMillisAfterT0(100).between(ALICE, BOB)
        .build(), slave(BACKUP, 2).key("backup-2").startMillisAfterT0(200).between(ALICE, BOB).build()));

    assertThat(interactions()).extracting(view -> view.copies().size()).containsExactly(1, 1, 1);
  }

  @Test
  void aBatchHandsEachCallTheOnlyInteractionOfItsParticipants() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between(ALICE, BOB).build(),
        master(MAIN, 2).key("main-2").startMillisAfterT0(500).between(ALICE, "sip:carol@c").build()));

    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").startMillisAfterT0(10).between(ALICE, BOB)
        .build(), slave(BACKUP, 2).key("backup-2").startMillisAfterT0(510).between("sip:carol@c", ALICE).build()));

    assertThat(interactions()).extracting(view -> view.correlationKey() + ":" + view.copies().stream()
        .map(CopyView::inum).toList()).containsExactly("main-1:[100000000000001, 100001000000001]",
        "main-2:[100000000000002, 100001000000002]");
  }

  @Test
  void aLaterCallWithTheKeyOfALinkedCopyFollowsItsTombstone() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between(ALICE, BOB).millis(9000).build()));
    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").between(ALICE, BOB).build()));

    // A second segment of the Backup's recording session: same key, same recorder, no participants.
    database.mark(backup, List.of(slave(BACKUP, 7).key("backup-1").startMillisAfterT0(4000).millis(8000).build()));

    InteractionView only = onlyInteraction();
    assertThat(only.copies()).hasSize(3);
    assertThat(only.end()).isEqualTo(DatabaseFixture.T0.plusMillis(12_000));
    assertThat(database.interactionCount()).isEqualTo(1);
    assertThat(fixture.count("interactions")).as("the tombstone of backup-1 is a key, not an interaction")
        .isEqualTo(1);
    assertThat(fixture.text("SELECT interaction_id FROM interaction_keys WHERE correlation_key = 'backup-1'"))
        .as("the tombstone of backup-1").isEqualTo(Long.toString(only.id()));
  }

  @Test
  void thePrimarysCallMarkedUnderItsOwnKeyAfterThePromotedOneIsMergedIntoItByTheMergePass() throws Exception {
    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").between(ALICE, BOB).millis(900).build()));
    database.mark(main, List.of(master(MAIN, 1).key("main-1").startMillisAfterT0(300).between(ALICE, BOB)
        .millis(1500).build()));
    assertThat(interactions()).hasSize(2);
    long newer = interactions().get(1).id();

    assertThat(database.mergeTwinInteractions()).isEqualTo(1);

    InteractionView only = onlyInteraction();
    assertThat(only.correlationKey()).isEqualTo("backup-1");
    assertThat(only.copies()).extracting(CopyView::inum).containsExactly("100000000000001", "100001000000001");
    assertThat(only.bestInum()).isEqualTo("100000000000001");
    assertThat(only.end()).isEqualTo(DatabaseFixture.T0.plusMillis(1800));
    assertThat(database.interaction(newer)).as("the tombstone is no interaction").isEmpty();
    assertThat(database.bestCopySource(newer)).isEmpty();
    assertThat(database.interactionCount()).isEqualTo(1);
    // The merged key still names the interaction: marking the Main's call again changes nothing.
    assertThat(database.mark(main, List.of(master(MAIN, 1).key("main-1").startMillisAfterT0(300)
        .between(ALICE, BOB).millis(1500).build()))).isEqualTo(new MarkResult(0, 1, 0));
    assertThat(database.mergeTwinInteractions()).isZero();
    assertThat(interactions()).hasSize(1);
  }

  @Test
  void mergingMovesTheTombstonesThatPointedAtTheMergedInteraction() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").sipIdentity("abc@sbc").between(ALICE, BOB).build()));
    database.mark(main, List.of(master(MAIN, 2).key("main-2").sipIdentity("abc@sbc").startMillisAfterT0(200)
        .between(ALICE, "sip:carol@c").build()));
    // Linked to main-2 by its participants, so backup-1 names main-2 by a tombstone.
    database.mark(backup, List.of(slave(BACKUP, 1).key("backup-1").startMillisAfterT0(190)
        .between(ALICE, "sip:carol@c").build()));

    assertThat(database.mergeTwinInteractions()).isEqualTo(1);
    database.mark(backup, List.of(slave(BACKUP, 2).key("backup-1").startMillisAfterT0(5000).build()));

    assertThat(onlyInteraction().correlationKey()).isEqualTo("main-1");
    assertThat(onlyInteraction().copies()).hasSize(4);
    assertThat(fixture.text("SELECT string_agg(DISTINCT t.merged_into::text, ',') FROM interactions t"
        + " WHERE t.merged_into IS NOT NULL")).isEqualTo(Long.toString(onlyInteraction().id()));
    assertThat(fixture.text("SELECT string_agg(correlation_key || '=' || interaction_id, ',' ORDER BY correlation_key)"
        + " FROM interaction_keys")).as("every key leads to the survivor")
        .isEqualTo("backup-1=%1$d,main-1=%1$d,main-2=%1$d".formatted(onlyInteraction().id()));
  }

  @Test
  void interactionsOfOneRecorderWithTheSameParticipantsAreNeverMerged() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").between(ALICE, BOB).build(),
        master(MAIN, 2).key("main-2").startMillisAfterT0(100).between(ALICE, BOB).build()));

    assertThat(database.mergeTwinInteractions()).isZero();

    assertThat(interactions()).hasSize(2);
  }

  @Test
  void conversationsMarkedByBothRecordersAtOnceUnderTheirOwnKeysEndAsOneInteractionEach() throws Exception {
    int conversations = 300;
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<MarkResult> fromMain = threads.submit(markAll(start, main, conversations));
      Future<MarkResult> fromBackup = threads.submit(markAll(start, backup, conversations));
      assertThat(fromMain.get().marked() + fromBackup.get().marked()).isEqualTo(2 * conversations);
    } finally {
      threads.shutdownNow();
    }

    database.mergeTwinInteractions();

    List<InteractionView> all = interactions();
    assertThat(all).hasSize(conversations);
    assertThat(all).allSatisfy(interaction -> assertThat(interaction.copies()).extracting(CopyView::serial)
        .containsExactlyInAnyOrder("100000", "100001"));
    assertThat(fixture.count("copies")).isEqualTo(2L * conversations);
  }

  /** Each conversation with its own participants, a second apart; each recorder its own session ids. */
  private Callable<MarkResult> markAll(CyclicBarrier start, Fence fence, int conversations) {
    return () -> {
      List<CallRecord> batch = new ArrayList<>();
      for (int i = 1; i <= conversations; i++) {
        CallBuilder call = fence == main ? master(MAIN, i) : slave(BACKUP, i);
        batch.add(call.key(fence.serial() + "-" + i).startMillisAfterT0(1000L * i)
            .between("sip:+1555" + i + "@sbc.example", BOB).build());
      }
      start.await();
      return database.mark(fence, batch);
    };
  }

  private List<InteractionView> interactions() throws Exception {
    return database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 100_000);
  }

  private InteractionView onlyInteraction() throws Exception {
    List<InteractionView> all = interactions();
    assertThat(all).hasSize(1);
    return all.getFirst();
  }
}
