package io.tandem.database;

import static io.tandem.database.CallBuilder.master;
import static io.tandem.database.CallBuilder.slave;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The correlation key's uniqueness lives in {@code interaction_keys}: it decides which of two transactions marking
 * one conversation creates its interaction, and it leads a merged interaction's keys to the one that survived.
 */
class InteractionKeysTest {
  private static final int MAIN = 100_000;
  private static final int BACKUP = 100_001;
  private static final int OTHER_MAIN = 100_010;
  /** The migration before the key table. */
  private static final String BEFORE_KEYS = "15";

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
  void twoRecordersMarkingTheSameConversationsAtOnceCreateOneInteractionEach() throws Exception {
    Fence otherMain = fixture.registerPair("pair-b", OTHER_MAIN);
    int rounds = 4;
    int conversations = 150;
    try (CallDatabase other = CallDatabase.connect(fixture.server.config(4));
        ExecutorService threads = Executors.newFixedThreadPool(2)) {
      for (int round = 0; round < rounds; round++) {
        List<CallRecord> ours = new ArrayList<>();
        List<CallRecord> theirs = new ArrayList<>();
        for (int i = 0; i < conversations; i++) {
          String key = "conv-" + round + "-" + i;
          long sequence = round * conversations + i + 1;
          ours.add(master(MAIN, sequence).key(key).startMillisAfterT0(sequence * 1000).build());
          theirs.add(master(OTHER_MAIN, sequence).key(key).startMillisAfterT0(sequence * 1000 + 40).build());
        }
        CyclicBarrier start = new CyclicBarrier(2);
        Future<MarkResult> first = threads.submit(() -> {
          start.await();
          return database.mark(main, ours);
        });
        Future<MarkResult> second = threads.submit(() -> {
          start.await();
          return other.mark(otherMain, theirs);
        });
        assertThat(first.get().interactionsCreated() + second.get().interactionsCreated())
            .as("interactions created in round %d", round).isEqualTo(conversations);
      }
      assertThat(database.copyFallbacks() + other.copyFallbacks())
          .as("COPYs of keys that the other recorder held, sent back to the upserts").isGreaterThanOrEqualTo(1);
    }

    assertThat(database.interactionCount()).isEqualTo(rounds * conversations);
    assertThat(fixture.count("interaction_keys")).isEqualTo(rounds * conversations);
    assertThat(fixture.text("SELECT count(*) FROM interactions i WHERE 2 <> (SELECT count(DISTINCT c.serial)"
        + " FROM copies c WHERE c.interaction_id = i.id)")).as("interactions without a copy of each recorder")
        .isEqualTo("0");
  }

  @Test
  void theSecondaryMarkingAConversationWhileThePrimaryMarksItJoinsThePrimarysInteraction() throws Exception {
    int rounds = 10;
    try (CallDatabase other = CallDatabase.connect(fixture.server.config(4));
        ExecutorService threads = Executors.newFixedThreadPool(2)) {
      for (int round = 1; round <= rounds; round++) {
        String key = "conv-" + round;
        CallRecord primarys = master(MAIN, round).key(key).startMillisAfterT0(round * 10_000L).build();
        CallRecord secondarys = slave(BACKUP, round).key(key).startMillisAfterT0(round * 10_000L + 30).build();
        CyclicBarrier start = new CyclicBarrier(2);
        Future<MarkResult> first = threads.submit(() -> {
          start.await();
          return database.mark(main, List.of(primarys));
        });
        Future<MarkResult> second = threads.submit(() -> {
          start.await();
          return other.mark(backup, List.of(secondarys));
        });
        assertThat(first.get().marked() + second.get().marked()).isEqualTo(2);
      }
    }

    assertThat(database.interactionCount()).isEqualTo(rounds);
    assertThat(database.interactions(DatabaseFixture.T0, DatabaseFixture.T0.plusSeconds(3600), 100))
        .allSatisfy(interaction -> assertThat(interaction.copies()).hasSize(2));
  }

  @Test
  void aMergedInteractionsKeyLeadsToTheSurvivor() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").sipIdentity("abc@sbc").build()));
    database.mark(main, List.of(master(MAIN, 2).key("main-2").sipIdentity("abc@sbc").startMillisAfterT0(200)
        .build()));
    long merged = Long.parseLong(fixture.text("SELECT id FROM interactions WHERE correlation_key = 'main-2'"));

    assertThat(database.mergeTwinInteractions()).isEqualTo(1);
    // A later segment of each conversation, from either recorder, under the merged interaction's key.
    database.mark(main, List.of(master(MAIN, 3).key("main-2").startMillisAfterT0(20_000).millis(5000).build()));
    database.mark(backup, List.of(slave(BACKUP, 1).key("main-2").startMillisAfterT0(20_010).build()));

    InteractionView survivor = database.interactions(DatabaseFixture.T0, DatabaseFixture.T0.plusSeconds(60), 10)
        .getFirst();
    assertThat(database.interactionCount()).isEqualTo(1);
    assertThat(survivor.correlationKey()).isEqualTo("main-1");
    assertThat(survivor.copies()).hasSize(4);
    assertThat(survivor.end()).isEqualTo(DatabaseFixture.T0.plusMillis(25_000));
    assertThat(database.interaction(merged)).isEmpty();
    assertThat(fixture.text("SELECT string_agg(correlation_key || '=' || interaction_id, ',' ORDER BY correlation_key)"
        + " FROM interaction_keys")).isEqualTo("main-1=%1$d,main-2=%1$d".formatted(survivor.id()));
  }

  @Test
  void aKeyIsHeldOnceWhileInteractionsMayRepeatIt() throws Exception {
    database.mark(main, List.of(master(MAIN, 1).key("main-1").build()));

    assertThatThrownBy(() -> fixture.execute("INSERT INTO interaction_keys (correlation_key, interaction_id,"
        + " start_time) VALUES ('main-1', 99, now())")).isInstanceOf(SQLException.class)
        .hasMessageContaining("interaction_keys_pkey");
    fixture.execute("INSERT INTO interactions (id, correlation_key, start_time, merged_into) SELECT id + 1,"
        + " correlation_key, start_time, id FROM interactions");
    assertThat(fixture.count("interactions")).isEqualTo(2);
  }

  @Test
  void theMigrationFillsTheKeysFromTheInteractionsBeforeIt() throws Exception {
    Path directory = Files.createTempDirectory("call-database-keys");
    try (EmbeddedDatabase server = EmbeddedDatabase.start(directory, 0)) {
      DatabaseConfig config = server.config(2);
      Flyway.configure().dataSource(config.jdbcUrl(), config.user(), config.password())
          .locations("classpath:db/migration").target(BEFORE_KEYS).load().migrate();
      try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
          Statement statement = connection.createStatement()) {
        // 1 and 4 live; 2 merged into 1; 3 a link's tombstone for a copy of 1.
        statement.execute("""
            INSERT INTO interactions (id, correlation_key, start_time, end_time, merged_into) VALUES
              (1, 'live-1', '2026-11-26T14:30:00Z', '2026-11-26T14:31:00Z', NULL),
              (2, 'merged-2', '2026-11-26T14:30:01Z', '2026-11-26T14:31:00Z', 1),
              (3, 'tombstone-3', '2026-11-26T14:30:02Z', '2026-11-26T14:31:00Z', 1),
              (4, 'live-4', '2026-11-26T15:00:00Z', '2026-11-26T15:01:00Z', NULL);
            SELECT setval('interactions_id_seq', 4);
            """);
      }
      try (CallDatabase migrated = CallDatabase.connect(config)) {
        migrated.migrate();
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), config.user(),
            config.password()); Statement statement = connection.createStatement();
            var rows = statement.executeQuery("SELECT string_agg(correlation_key || '=' || interaction_id || '@'"
                + " || to_char(start_time AT TIME ZONE 'UTC', 'HH24:MI:SS'), ',' ORDER BY correlation_key)"
                + " FROM interaction_keys")) {
          rows.next();
          // Ids carry their month since migration 18: November 2026 is month 682 since January 1970.
          long november = 682L << 40;
          assertThat(rows.getString(1)).isEqualTo("live-1=%d@14:30:00,live-4=%d@15:00:00,merged-2=%d@14:30:01,"
              .formatted(november | 1, november | 4, november | 1) + "tombstone-3=%d@14:30:02".formatted(november | 1));
        }
        RecorderAssignment assignment = migrated.register(new RecorderRegistration(MAIN, "pair-a",
            io.tandem.call.Position.MAIN, "http://127.0.0.1:1", "127.0.0.1:5060"));
        Fence fence = new Fence(MAIN, assignment.epoch());
        MarkResult marked = migrated.mark(fence, List.of(master(MAIN, 1).key("merged-2").build(),
            master(MAIN, 2).key("tombstone-3").build(), master(MAIN, 3).key("new-5").build()));

        assertThat(marked.interactionsCreated()).as("only new-5 is a new conversation").isEqualTo(1);
        assertThat(migrated.interactionCount()).isEqualTo(3);
        assertThat(migrated.interaction(682L << 40 | 1).orElseThrow().copies()).hasSize(2);
      }
    } finally {
      try (var paths = Files.walk(directory)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }
}
