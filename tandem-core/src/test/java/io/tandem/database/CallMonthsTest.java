package io.tandem.database;

import static io.tandem.database.CallBuilder.master;
import static io.tandem.database.CallBuilder.slave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import io.tandem.database.CallMonths.Month;
import io.tandem.database.CallMonths.Retirement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interactions and copies live in partitions of their month: an interaction's id carries the month of its start,
 * months are made ahead, and retention drops a month whole only when everything in it is past the cut-off and
 * nothing in it is held.
 */
class CallMonthsTest {
  private static final int MAIN = 100_000;
  private static final int BACKUP = 100_001;
  private static final Instant JANUARY_2025 = Instant.parse("2025-01-10T09:00:00Z");
  private static final Instant CUTOFF = Instant.parse("2026-01-01T00:00:00Z");

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
  void anInteractionCarriesTheMonthOfItsStartAndItsCopiesLiveInThatMonth() throws Exception {
    Month november = monthMadeAt(Instant.parse("2026-11-15T00:00:00Z"));

    database.mark(main, List.of(master(MAIN, 1).key("conv-1").build()));
    database.mark(backup, List.of(slave(BACKUP, 1).key("conv-1").build()));

    InteractionView interaction = onlyInteraction();
    assertThat(interaction.id() >> 40).isEqualTo(november.number());
    assertThat(fixture.text("SELECT string_agg(DISTINCT tableoid::regclass::text, ',') FROM copies"))
        .isEqualTo("copies_2026_11");
    assertThat(fixture.text("SELECT string_agg(inum || '>' || interaction_id, ',' ORDER BY inum) FROM copy_inums"))
        .isEqualTo("%d>%d,%d>%d".formatted(Inum.of(MAIN, 1).value(), interaction.id(), Inum.of(BACKUP, 1).value(),
            interaction.id()));
  }

  @Test
  void anInumIsOneCopyAcrossMonthsAndADeletedCopyLetsGoOfIt() throws Exception {
    monthMadeAt(JANUARY_2025);
    database.mark(main, List.of(master(MAIN, 1).key("conv-1").build()));
    long first = onlyInteraction().id();
    long january = CallMonths.monthOf(JANUARY_2025).number();

    // The same INUM under an interaction of another month: refused as the primary key on INUM refused it.
    fixture.execute("INSERT INTO interactions (id, correlation_key, start_time) VALUES (" + (january << 40 | 999)
        + ", 'other', '" + JANUARY_2025 + "')");
    assertThatThrownBy(() -> fixture.execute("INSERT INTO copies (inum, interaction_id, correlation_key, serial,"
        + " call_role, complete, duration_ms, media_bytes, packets_received, packets_lost, start_time, marked_epoch,"
        + " marked_at) SELECT inum, " + (january << 40 | 999) + ", 'other', serial, call_role, complete, duration_ms,"
        + " media_bytes, packets_received, packets_lost, start_time, marked_epoch, marked_at FROM copies"))
        .isInstanceOf(SQLException.class).satisfies(e -> assertThat(((SQLException) e).getSQLState())
            .isEqualTo("23505"));
    fixture.execute("DELETE FROM interactions WHERE correlation_key = 'other'");
    fixture.execute("DELETE FROM copies");
    MarkResult again = database.mark(main, List.of(master(MAIN, 1).key("conv-1").build()));

    assertThat(again.marked()).isEqualTo(1);
    assertThat(onlyInteraction().id()).isEqualTo(first);
    assertThat(onlyInteraction().copies()).hasSize(1);
    assertThat(fixture.text("SELECT string_agg(inum || '>' || interaction_id, ',') FROM copy_inums"))
        .isEqualTo(Inum.of(MAIN, 1).value() + ">" + first);
  }

  @Test
  void aCallFromAClockYearsWrongIsMarkedInTheFirstMonthThereIs() throws Exception {
    Instant longAgo = Instant.parse("1990-03-01T12:00:00Z");

    MarkResult marked = database.mark(main, List.of(master(MAIN, 1).key("conv-1").startMillisAfterT0(
        Duration.between(DatabaseFixture.T0, longAgo).toMillis()).build()));

    assertThat(marked.marked()).isEqualTo(1);
    assertThat(onlyInteraction().id() >> 40).isEqualTo(database.months().months().getFirst().number());
    assertThat(onlyInteraction().start()).isEqualTo(longAgo);
  }

  @Test
  void aMonthIsMadeAheadOnce() throws Exception {
    try (CallDatabase in2031 = connectAt(Instant.parse("2031-05-10T08:00:00Z"))) {
      List<Month> made = in2031.months().makeAhead(2);
      List<Month> again = in2031.months().makeAhead(2);

      assertThat(made).extracting(Month::name).containsExactly("2031-05", "2031-06", "2031-07");
      assertThat(again).isEmpty();
      assertThat(in2031.months().months()).extracting(Month::name).contains("2031-05", "2031-06", "2031-07");
      assertThat(fixture.text("SELECT count(*) FROM pg_class WHERE relname IN ('interactions_2031_06',"
          + " 'copies_2031_06')")).isEqualTo("2");
    }
  }

  @Test
  void retentionDropsAMonthWholeWithEverythingThatNamesItsCalls() throws Exception {
    Month january = monthMadeAt(JANUARY_2025);
    monthMadeAt(DatabaseFixture.T0);
    database.mark(main, List.of(master(MAIN, 1).key("old-1").startMillisAfterT0(before(JANUARY_2025)).build()));
    database.mark(backup, List.of(slave(BACKUP, 1).key("old-1").startMillisAfterT0(before(JANUARY_2025)).build()));
    database.recordArchived(Inum.of(MAIN, 1), "/archive/old-1.wav", "ab12", 8000);
    database.mark(main, List.of(master(MAIN, 2).key("new-2").build()));
    long old = interactionOf("old-1");
    while (database.indexForSearch(100) > 0) {
      // until both interactions have their search entries
    }

    Retirement round = database.months().retire(CUTOFF, CallMonths.PendingWork.NONE);

    assertThat(round.dropped()).singleElement().satisfies(dropped -> {
      assertThat(dropped.month()).isEqualTo(january);
      assertThat(dropped.interactions()).isEqualTo(1);
      assertThat(dropped.copies()).isEqualTo(2);
    });
    assertThat(database.interaction(old)).isEmpty();
    assertThat(fixture.text("SELECT count(*) FROM pg_class WHERE relname IN ('interactions_2025_01',"
        + " 'copies_2025_01', 'interaction_search_2025_01', 'interaction_names_2025_01')")).isEqualTo("0");
    assertThat(fixture.count("copy_inums")).isEqualTo(1);
    assertThat(fixture.count("archived_copies")).isZero();
    assertThat(fixture.text("SELECT string_agg(interaction_id::text, ',') FROM interaction_search"))
        .isEqualTo(String.valueOf(interactionOf("new-2")));
    assertThat(fixture.text("SELECT string_agg(correlation_key, ',') FROM interaction_keys")).isEqualTo("new-2");
    assertThat(database.months().months()).extracting(Month::name).doesNotContain("2025-01");
    assertThat(database.events()).filteredOn(event -> event.type().equals("MONTH_DROPPED"))
        .singleElement().satisfies(event -> assertThat(event.details()).containsEntry("month", "2025-01")
            .containsEntry("interactions", 1).containsEntry("copies", 2));
    assertThat(interactionOf("new-2")).isPositive();
  }

  @Test
  void aLegalHoldKeepsTheMonthOfTheCallsItCoversUntilItIsRemoved() throws Exception {
    monthMadeAt(JANUARY_2025);
    database.mark(main, List.of(master(MAIN, 1).key("old-1").startMillisAfterT0(before(JANUARY_2025)).build()));
    LegalHold hold = database.addLegalHold("pair-a", JANUARY_2025.minusSeconds(60), JANUARY_2025.plusSeconds(60),
        "case 2025-17", "tester").orElseThrow();

    Retirement held = database.months().retire(CUTOFF, CallMonths.PendingWork.NONE);
    database.removeLegalHold("pair-a", hold.id(), "tester");
    Retirement released = database.months().retire(CUTOFF, CallMonths.PendingWork.NONE);

    assertThat(held.dropped()).isEmpty();
    assertThat(held.kept()).containsOnlyKeys("2025-01");
    assertThat(held.kept().get("2025-01")).contains("legal hold " + hold.id(), "pair-a");
    assertThat(released.dropped()).extracting(dropped -> dropped.month().name()).containsExactly("2025-01");
  }

  @Test
  void aMonthIsKeptWhileAReprocessMayWriteItsCallsOrWhileACallOfItEndsAfterTheCutOff() throws Exception {
    monthMadeAt(JANUARY_2025);
    database.mark(main, List.of(master(MAIN, 1).key("old-1").startMillisAfterT0(before(JANUARY_2025)).build()));

    Retirement pending = database.months().retire(CUTOFF,
        (from, to) -> from.equals(JANUARY_2025) ? Optional.of("reprocess 7 is running") : Optional.empty());
    Retirement tooRecent = database.months().retire(JANUARY_2025.plus(Duration.ofDays(10)),
        CallMonths.PendingWork.NONE);
    // A call that ends after the cut-off keeps its month, though the month itself ended before it.
    database.mark(main, List.of(master(MAIN, 2).key("old-2").startMillisAfterT0(before(Instant.parse(
        "2025-01-31T23:30:00Z"))).millis(3_600_000).build()));
    Retirement endsAfter = database.months().retire(Instant.parse("2025-02-01T00:10:00Z"),
        CallMonths.PendingWork.NONE);

    assertThat(pending.dropped()).isEmpty();
    assertThat(pending.kept()).containsEntry("2025-01", "reprocess 7 is running");
    assertThat(tooRecent.dropped()).isEmpty();
    assertThat(tooRecent.kept()).isEmpty();
    assertThat(endsAfter.dropped()).isEmpty();
    assertThat(endsAfter.kept().get("2025-01")).contains("2025-02-01T00:30:00Z");
    assertThat(fixture.count("interactions")).isEqualTo(2);
  }

  @Test
  void theMigrationMovesEveryInteractionAndCopyIntoItsMonth() throws Exception {
    String url = fixture.databaseAtVersion("before_months", "17");
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("""
          INSERT INTO pairs (name) VALUES ('pair-a');
          INSERT INTO interactions (id, correlation_key, start_time, end_time) VALUES
            (7, 'october-7', '2026-10-31T23:59:00Z', '2026-11-01T00:01:00Z'),
            (8, 'november-8', '2026-11-01T00:00:30Z', '2026-11-01T00:02:00Z');
          SELECT setval('interactions_id_seq', 8);
          INSERT INTO interaction_keys VALUES ('october-7', 7, '2026-10-31T23:59:00Z'),
                                              ('november-8', 8, '2026-11-01T00:00:30Z');
          INSERT INTO copies (inum, interaction_id, correlation_key, serial, call_role, complete, duration_ms,
                              media_bytes, packets_received, packets_lost, start_time, marked_epoch, marked_at)
          VALUES (100000000000001, 7, 'october-7', 100000, 'MASTER', true, 120000, 960000, 6000, 0,
                  '2026-10-31T23:59:00Z', 1, now());
          INSERT INTO archived_copies (inum, location, sha256, bytes, archived_at)
          VALUES (100000000000001, '/archive/7.wav', 'ab12', 960000, now());
          UPDATE interaction_merges SET checked_through = 7;
          INSERT INTO interaction_search VALUES (8, '{agent 8}', 'sip:+15550008');
          INSERT INTO interaction_names VALUES ('agent 8', '2026-11-01T00:00:30Z', 8);
          """);
    }

    Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration").load().migrate();

    long october = 681L << 40;
    long november = 682L << 40;
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery("""
            SELECT (SELECT string_agg(id || '@' || tableoid::regclass, ',' ORDER BY id) FROM interactions),
                   (SELECT string_agg(inum || '>' || interaction_id || '@' || tableoid::regclass, ',') FROM copies),
                   (SELECT string_agg(inum || '>' || interaction_id, ',') FROM copy_inums),
                   (SELECT string_agg(correlation_key || '=' || interaction_id, ',' ORDER BY correlation_key)
                    FROM interaction_keys),
                   (SELECT string_agg(month || ':' || checked_through, ',') FROM interaction_merges),
                   (SELECT count(*) FROM archived_copies a JOIN copy_inums c USING (inum)),
                   (SELECT string_agg(interaction_id || '@' || tableoid::regclass, ',') FROM interaction_search),
                   (SELECT string_agg(interaction_id || '@' || tableoid::regclass, ',') FROM interaction_names)""")) {
      rows.next();
      assertThat(rows.getString(1)).isEqualTo("%d@interactions_2026_10,%d@interactions_2026_11"
          .formatted(october | 7, november | 8));
      assertThat(rows.getString(2)).isEqualTo("100000000000001>%d@copies_2026_10".formatted(october | 7));
      assertThat(rows.getString(3)).isEqualTo("100000000000001>%d".formatted(october | 7));
      assertThat(rows.getString(4)).isEqualTo("november-8=%d,october-7=%d".formatted(november | 8, october | 7));
      assertThat(rows.getString(5)).isEqualTo("681:%d".formatted(october | 7));
      assertThat(rows.getLong(6)).isEqualTo(1);
      assertThat(rows.getString(7)).isEqualTo("%d@interaction_search_2026_11".formatted(november | 8));
      assertThat(rows.getString(8)).isEqualTo("%d@interaction_names_2026_11".formatted(november | 8));
    }
  }

  /** The month of {@code instant}, made by a database whose clock says it is then. */
  private Month monthMadeAt(Instant instant) throws Exception {
    try (CallDatabase then = connectAt(instant)) {
      then.months().makeAhead(0);
    }
    return CallMonths.monthOf(instant);
  }

  private CallDatabase connectAt(Instant instant) {
    return CallDatabase.connect(fixture.server.config(2), Clock.fixed(instant, ZoneOffset.UTC));
  }

  private static long before(Instant instant) {
    return Duration.between(DatabaseFixture.T0, instant).toMillis();
  }

  private InteractionView onlyInteraction() throws Exception {
    List<InteractionView> all = database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 10);
    assertThat(all).hasSize(1);
    return all.getFirst();
  }

  private long interactionOf(String key) throws Exception {
    return Long.parseLong(fixture.text("SELECT interaction_id FROM interaction_keys WHERE correlation_key = '"
        + key + "'"));
  }
}
