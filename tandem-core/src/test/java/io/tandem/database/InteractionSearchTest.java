package io.tandem.database;

import static io.tandem.database.CallBuilder.master;
import static io.tandem.database.CallBuilder.slave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallRole;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Searching interactions by each criterion, and paging through them by cursor while calls are marked. */
class InteractionSearchTest {
  private static final int MAIN = 700_000;
  private static final int BACKUP = 700_001;
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
  void markConversations() throws Exception {
    fixture.clear();
    database = fixture.database;
    main = fixture.registerPair("pair-s", MAIN);
    backup = new Fence(BACKUP, main.epoch());
    database.mark(main, List.of(
        master(MAIN, 1).key("alice-short").startMillisAfterT0(0).millis(20_000)
            .participant("Alice Martin", "sip:+441632960001@sbc.example.com").build(),
        master(MAIN, 2).key("bob-long").startMillisAfterT0(60_000).millis(600_000)
            .participant("Bob_Stone", "sip:+441632960777@sbc.example.com").quirks("no-metadata").build(),
        master(MAIN, 3).key("carol-cut").startMillisAfterT0(120_000).millis(90_000).truncated()
            .participant("Carol 100%", "tel:+15550100").build()));
    // The Backup's copy of Bob's call only.
    database.link(backup, List.of(slave(BACKUP, 1).key("bob-long").startMillisAfterT0(60_000).millis(600_000)
        .participant("Bob_Stone", "sip:+441632960777@sbc.example.com").build()), Set.of());
  }

  @Test
  void everythingNewestFirst() throws Exception {
    assertThat(keys(UnaryOperator.identity())).containsExactly("carol-cut", "bob-long", "alice-short");
    InteractionView carol = database.search(InteractionSearch.all(10)).interactions().get(0);
    assertThat(carol.participants()).extracting(p -> p.name()).containsExactly("Carol 100%");
    assertThat(carol.copies()).hasSize(1);
  }

  @Test
  void byParticipantAnyPartOfANameOrAddressInAnyCaseBeforeAndAfterTheSearchTextIsWritten() throws Exception {
    for (boolean indexed : new boolean[] {false, true}) {
      if (indexed) {
        assertThat(database.searchQueueLength()).as("marked interactions queued for their search text").isEqualTo(3);
        assertThat(database.indexForSearch(2)).isEqualTo(2);
        assertThat(database.indexForSearch(2)).isEqualTo(1);
        assertThat(database.indexForSearch(2)).isZero();
        assertThat(database.searchQueueLength()).isZero();
      }
      assertThat(keys(s -> participant(s, "960777"))).as("indexed %s", indexed).containsExactly("bob-long");
      assertThat(keys(s -> participant(s, "ALICE"))).as("indexed %s", indexed).containsExactly("alice-short");
      assertThat(keys(s -> participant(s, "sbc.example"))).containsExactly("bob-long", "alice-short");
      assertThat(keys(s -> participant(s, "+1555"))).containsExactly("carol-cut");
      // LIKE's wildcards are taken as the characters they are.
      assertThat(keys(s -> participant(s, "100%"))).containsExactly("carol-cut");
      assertThat(keys(s -> participant(s, "b_s"))).containsExactly("bob-long");
      assertThat(keys(s -> participant(s, "%"))).containsExactly("carol-cut");
      assertThat(keys(s -> participant(s, "nobody"))).isEmpty();
    }
    assertThatThrownBy(() -> database.indexForSearch(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void aNameThatAnInteractionIsGivenLaterIsFound() throws Exception {
    // The Main's copy carries no participants; the Backup's, linked after, names them.
    database.mark(main, List.of(master(MAIN, 10).key("dora-late").startMillisAfterT0(200_000).millis(30_000).build()));
    indexAll();
    assertThat(keys(s -> participant(s, "dora"))).isEmpty();
    database.link(backup, List.of(slave(BACKUP, 10).key("dora-late").startMillisAfterT0(200_000).millis(30_000)
        .participant("Dora Late", "sip:+441632960999@sbc.example.com").build()), Set.of());

    assertThat(database.searchQueueLength()).as("queued again, its participants changed").isEqualTo(1);
    assertThat(keys(s -> participant(s, "ORA LA"))).as("queued").containsExactly("dora-late");
    assertThat(keys(s -> participant(s, "960999"))).as("queued").containsExactly("dora-late");
    indexAll();
    assertThat(keys(s -> participant(s, "ORA LA"))).as("indexed").containsExactly("dora-late");
    assertThat(keys(s -> participant(s, "960999"))).as("indexed").containsExactly("dora-late");
  }

  @Test
  void aTextThatTooManyNamesContainIsMatchedRowByRowWithTheSameAnswer() throws Exception {
    List<io.tandem.call.CallRecord> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(master(MAIN, 300 + i).key("agent-" + i).startMillisAfterT0(6_000_000 + i * 1000L)
          .participant("Agent " + (i % 6), "sip:+4420800" + i + "@sbc.example.com").build());
    }
    database.mark(main, calls);
    org.postgresql.ds.PGSimpleDataSource dataSource = dataSource();
    // "agent" is in six names: looked for by name with room for six, row by row with room for five.
    InteractionQueries byName = new InteractionQueries(dataSource, 0, 6);
    InteractionQueries rowByRow = new InteractionQueries(dataSource, 0, 5);
    // Half of them indexed, half still queued.
    database.indexForSearch(15);
    for (String text : new String[] {"agent", "AGENT 3", "gent 5", "+4420800", "nobody"}) {
      for (int limit : new int[] {1, 7, 50}) {
        InteractionSearch search = new InteractionSearch(null, null, text, null, null, null, null, null, null, true,
            null, limit);
        List<String> expected = allPages(byName, search);
        assertThat(allPages(rowByRow, search)).as("%s, pages of %d", text, limit).containsExactlyElementsOf(expected);
        assertThat(expected.size()).as(text).isEqualTo(switch (text) {
          case "agent", "+4420800" -> 30;
          case "nobody" -> 0;
          default -> 5;
        });
      }
    }
  }

  @Test
  void namesReadInStartOrderGiveThePagesThatEveryOtherWayGives() throws Exception {
    List<io.tandem.call.CallRecord> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // Pairs of calls share a start, so the order rests on ids as well; every fifth call has two agents' names.
      CallBuilder call = master(MAIN, 400 + i).key("order-" + i).startMillisAfterT0(7_000_000 + (i / 2) * 1000L)
          .participant("Agent " + (i % 6), "sip:+4420900" + i + "@sbc.example.com");
      if (i % 5 == 0) {
        call.participant("Agent " + (i % 6 + 1), "sip:+4420901" + i + "@sbc.example.com");
      }
      calls.add(call.build());
    }
    database.mark(main, calls);
    // Most indexed, the rest still queued.
    database.indexForSearch(25);
    database.indexForSearch(2);
    // A copy that started earlier moves an indexed interaction's start: its entries no longer hold its start.
    database.link(backup, List.of(slave(BACKUP, 420).key("order-20").startMillisAfterT0(6_500_000).millis(10_000)
        .participant("Agent 2", "sip:+442090020@sbc.example.com").build()), Set.of());
    org.postgresql.ds.PGSimpleDataSource dataSource = dataSource();
    InteractionQueries inOrder = new InteractionQueries(dataSource, 0, InteractionQueries.NAMES_LOOKED_FOR, 100);
    InteractionQueries allAtOnce = new InteractionQueries(dataSource, 0, InteractionQueries.NAMES_LOOKED_FOR, 0);
    InteractionQueries rowByRow = new InteractionQueries(dataSource, 0, 0, 0);
    Instant t0 = DatabaseFixture.T0;

    for (String text : new String[] {"agent", "AGENT 2", "gent 5", "+4420901", "nobody"}) {
      for (boolean newestFirst : new boolean[] {true, false}) {
        for (int limit : new int[] {1, 4, 50}) {
          for (InteractionSearch search : List.of(
              new InteractionSearch(null, null, text, null, null, null, null, null, null, newestFirst, null, limit),
              new InteractionSearch(t0.plusSeconds(6_600), t0.plusSeconds(7_010), text, MAIN, null, null, null, null,
                  null, newestFirst, null, limit))) {
            List<String> expected = allPages(rowByRow, search);
            assertThat(allPages(inOrder, search)).as("%s", search).containsExactlyElementsOf(expected)
                .doesNotHaveDuplicates();
            assertThat(allPages(allAtOnce, search)).as("%s", search).containsExactlyElementsOf(expected);
          }
        }
      }
    }
    assertThat(allPages(inOrder, new InteractionSearch(null, null, "agent 2", null, null, null, null, null, null,
        true, null, 50))).as("Agent 2's calls, the one moved earlier last").hasSize(6).endsWith("order-20");
    // Thirty interactions fit in a page, and once autovacuum has analysed them (sooner or later, with the load) a
    // scan of each whole table is the cheapest plan; what is checked is that the query lets the server read each
    // name in start order, which it does on a call database of any size (BENCHMARKS, a name's interactions in start
    // order), so whole-table scans are priced out for this plan.
    org.postgresql.ds.PGSimpleDataSource noWholeScans = dataSource();
    // With the names partitioned by month, reading thirty rows by a bitmap and sorting them is cheaper still: both
    // are priced out too, so that the plan shows whether the query lets each month's index be read in start order.
    noWholeScans.setOptions("-c enable_seqscan=off -c enable_bitmapscan=off -c enable_sort=off");
    List<String> plans = new InteractionQueries(noWholeScans).explainSearch(new InteractionSearch(null, null, "agent 2",
        null, null, null, null, null, null, true, null, 5));
    assertThat(plans).as("the names' look-up, then one query, no first read").hasSize(2);
    // Each month's index of names in start order (interaction_names_in_start_order on the partitioned table) is
    // named by its month's table: interaction_names_2026_11_name_start_time_interaction_id_idx.
    assertThat(plans.get(1)).as("the plan reads each name in start order")
        .containsPattern("interaction_names_\\d{4}_\\d{2}_name_start_time_interaction_id_idx");
  }

  private void indexAll() throws Exception {
    while (database.indexForSearch(100) > 0) {
      // until the queue is empty
    }
  }

  private static org.postgresql.ds.PGSimpleDataSource dataSource() {
    DatabaseConfig config = fixture.server.config(1);
    org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
    dataSource.setUrl(config.jdbcUrl());
    dataSource.setUser(config.user());
    dataSource.setPassword(config.password());
    return dataSource;
  }

  @Test
  void byRecorderAndCallRole() throws Exception {
    assertThat(keys(s -> new InteractionSearch(null, null, null, BACKUP, null, null, null, null, null, true, null, 10)))
        .containsExactly("bob-long");
    assertThat(keys(s -> new InteractionSearch(null, null, null, MAIN, null, null, null, null, null, true, null, 10)))
        .containsExactly("carol-cut", "bob-long", "alice-short");
    assertThat(keys(s -> new InteractionSearch(null, null, null, null, CallRole.SLAVE, null, null, null, null, true,
        null, 10))).containsExactly("bob-long");
  }

  @Test
  void byDurationCompletenessQuirksAndTime() throws Exception {
    assertThat(keys(s -> new InteractionSearch(null, null, null, null, null, Duration.ofSeconds(60),
        Duration.ofSeconds(120), null, null, true, null, 10))).containsExactly("carol-cut");
    assertThat(keys(s -> new InteractionSearch(null, null, null, null, null, null, null, false, null, true, null, 10)))
        .containsExactly("carol-cut");
    assertThat(keys(s -> new InteractionSearch(null, null, null, null, null, null, null, true, null, true, null, 10)))
        .containsExactly("bob-long", "alice-short");
    assertThat(keys(s -> new InteractionSearch(null, null, null, null, null, null, null, null, true, true, null, 10)))
        .containsExactly("bob-long");
    assertThat(keys(s -> new InteractionSearch(null, null, null, null, null, null, null, null, false, false, null,
        10))).containsExactly("alice-short", "carol-cut");
    Instant t0 = DatabaseFixture.T0;
    assertThat(keys(s -> new InteractionSearch(t0.plusSeconds(60), t0.plusSeconds(120), null, null, null, null, null,
        null, null, true, null, 10))).containsExactly("bob-long");
  }

  @Test
  void pagingByCursorNeitherMissesNorRepeatsARowWhileCallsAreMarked() throws Exception {
    List<io.tandem.call.CallRecord> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // Several calls share a start, so the cursor must order by id too.
      calls.add(master(MAIN, 100 + i).key("page-" + i).startMillisAfterT0(1_000_000 + (i / 3) * 1000L).build());
    }
    database.mark(main, calls);
    Set<String> before = new HashSet<>(keys(s -> new InteractionSearch(null, null, null, null, null, null, null, null,
        null, true, null, 1000)));

    List<String> seen = new ArrayList<>();
    InteractionSearch search = new InteractionSearch(null, null, null, null, null, null, null, null, null, true, null,
        7);
    int pages = 0;
    int marking = 0;
    while (true) {
      InteractionPage page = database.search(search);
      page.interactions().forEach(view -> seen.add(view.correlationKey()));
      pages++;
      // Between pages, more calls are marked: some newer than all, some older than the pages already read.
      database.mark(main, List.of(
          master(MAIN, 500 + marking).key("newer-" + marking).startMillisAfterT0(9_000_000 + marking).build(),
          master(MAIN, 600 + marking).key("older-" + marking).startMillisAfterT0(-1_000_000 - marking).build()));
      marking++;
      if (page.next().isEmpty()) {
        break;
      }
      search = search.after(InteractionSearch.Cursor.parse(page.next().get().text()));
    }

    assertThat(pages).isGreaterThan(7);
    assertThat(seen).as("rows seen more than once").doesNotHaveDuplicates();
    assertThat(seen).as("every row there before paging began").containsAll(before);
    assertThat(seen).as("rows newer than the first page are not in later pages")
        .noneMatch(key -> key.startsWith("newer-"));
  }

  @Test
  void aParticipantSearchThatReadsTheNewestFirstGivesThePagesTheIndexAloneGives() throws Exception {
    List<io.tandem.call.CallRecord> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(master(MAIN, 200 + i).key("step-" + i).startMillisAfterT0(5_000_000 + i * 1000L)
          .participant(i % 3 == 0 ? "Agent 7" : "Agent 8", "sip:+4420700" + i + "@sbc.example.com").build());
    }
    database.mark(main, calls);
    indexAll();
    org.postgresql.ds.PGSimpleDataSource dataSource = dataSource();
    // Reading 10 first: of the newest 10, 4 are Agent 7's (steps 30 to 39); of the oldest 10, 3 are (the three
    // calls marked before each test, then steps 0 to 6). A page up to that long is found there, a longer one is not.
    // Names all looked for at once, not a page of each in start order, which needs no first read.
    InteractionQueries stepwise = new InteractionQueries(dataSource, 10, InteractionQueries.NAMES_LOOKED_FOR, 0);
    InteractionQueries indexAlone = new InteractionQueries(dataSource, 0, InteractionQueries.NAMES_LOOKED_FOR, 0);

    for (boolean newestFirst : new boolean[] {true, false}) {
      for (int limit = 1; limit <= 15; limit++) {
        InteractionSearch search = new InteractionSearch(null, null, "agent 7", null, null, null, null, null, null,
            newestFirst, null, limit);
        List<String> expected = allPages(indexAlone, search);
        assertThat(expected).as("Agent 7 has every third call").hasSize(14);
        assertThat(allPages(stepwise, search)).as("newest first %s, pages of %d", newestFirst, limit)
            .containsExactlyElementsOf(expected);
        assertThat(stepwise.explainSearch(search)).as("the names' look-up and the queries asked for the first page"
            + " of %d", limit).hasSize(limit <= (newestFirst ? 4 : 3) ? 2 : 3);
      }
    }
  }

  /** The keys of every page of {@code search}, in order, following each page's cursor. */
  private static List<String> allPages(InteractionQueries queries, InteractionSearch search) throws Exception {
    List<String> keys = new ArrayList<>();
    while (true) {
      InteractionPage page = queries.search(search);
      page.interactions().forEach(view -> keys.add(view.correlationKey()));
      if (page.next().isEmpty()) {
        return keys;
      }
      // A page that comes back again would be followed for ever.
      assertThat(keys).as("pages so far").hasSizeLessThan(1_000);
      search = search.after(page.next().get());
    }
  }

  @Test
  void aCursorNotWrittenByASearchIsRefused() {
    assertThatThrownBy(() -> InteractionSearch.Cursor.parse("not-a-cursor")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a cursor");
    InteractionSearch.Cursor cursor = new InteractionSearch.Cursor(DatabaseFixture.T0, 42);
    assertThat(InteractionSearch.Cursor.parse(cursor.text())).isEqualTo(cursor);
  }

  private static InteractionSearch participant(InteractionSearch ignored, String text) {
    return new InteractionSearch(null, null, text, null, null, null, null, null, null, true, null, 10);
  }

  private List<String> keys(UnaryOperator<InteractionSearch> search) throws Exception {
    return database.search(search.apply(InteractionSearch.all(10))).interactions().stream()
        .map(InteractionView::correlationKey).toList();
  }
}
