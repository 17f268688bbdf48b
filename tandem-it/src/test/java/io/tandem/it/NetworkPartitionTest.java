package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseConfig;
import io.tandem.database.EventView;
import io.tandem.database.FailoverView;
import io.tandem.json.Json;
import io.tandem.simulator.ConversationSent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts and partitions: the call database (PostgreSQL 15 of the machine's packages), two Recorder Managers, a pair's
 * Main and Backup and the SIPREC client, each in a network namespace of its own on one bridge (see
 * {@link NamespaceNetwork}); the test reads the database and the Managers' and recorders' APIs from the machine's
 * own namespace, which no cut touches. First the Main is cut off from the database and both Managers while the
 * client goes on calling both recorders: the pair fails over once, the Main marks nothing, and once healed it is
 * secondary and nothing is lost or duplicated. Then the acting Manager is cut off from everything: the other takes
 * over, nobody fails the pair over, and the healed one stands by. Last, as the baseline of both times, the acting
 * Manager and then the primary are killed -9 instead of cut off. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkPartitionTest {
  private static final int MAIN = 487_001;
  private static final int BACKUP = 487_002;
  private static final String PAIR = "pair-" + MAIN;
  private static final List<String> HOSTS = List.of("db", "mgr1", "mgr2", "main", "backup", "sbc");
  private static final Set<String> WRITTEN_ONLY_ON_TROUBLE = Set.of("RECORDER_DOWN", "FAILOVER", "ALARM_RAISED");

  // A failed run keeps every process's log.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path root;

  static NamespaceNetwork network;
  static DebianPostgres postgres;
  static CallDatabase database;
  static final List<ManagerProcess> managers = new ArrayList<>();
  static RecorderProcess main;
  static RecorderProcess backup;

  @BeforeAll
  static void startHosts() throws Exception {
    network = NamespaceNetwork.create(HOSTS);
    postgres = DebianPostgres.start(network.address("db"), network.launcher("db"), network.network());
    database = CallDatabase.connect(new DatabaseConfig(postgres.jdbcUrl(), "postgres", "", 4));
    database.migrate();
    TestAccess.provision(postgres.jdbcUrl());
    for (String host : List.of("mgr1", "mgr2")) {
      managers.add(new ManagerProcess(root.resolve(host), postgres.jdbcUrl(), "500ms", 3,
          Map.of("manager.host", network.address(host))).launchedBy(network.launcher(host)).start());
    }
    main = recorder(MAIN, Position.MAIN, "main");
    backup = recorder(BACKUP, Position.BACKUP, "backup");
    for (long pid : List.of(main.pid(), backup.pid(), managers.get(0).pid(), managers.get(1).pid())) {
      assertThat(ProcessHandle.of(pid).flatMap(process -> process.info().command()).orElse(""))
          .as("ip execs the program: process %d is the JVM itself", pid).endsWith("java");
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> "acting".equals(rrc(managers.get(0)))
        && "standby".equals(rrc(managers.get(1))));
  }

  private static RecorderProcess recorder(int serial, Position position, String host) throws Exception {
    String address = network.address(host);
    // Each recorder is alone in its namespace: the same RTP range for both. The secondary links its copies 5 s
    // after they end, so that the test can wait for every copy linked.
    return new RecorderProcess(serial, PAIR, position, root.resolve(host), postgres.jdbcUrl(), 20_000,
        Map.of("sip.host", address, "admin.host", address, "sip.allow", network.address("sbc"), "gap.grace", "5s"))
        .launchedBy(network.launcher(host)).start();
  }

  @AfterAll
  static void stopHosts() throws Exception {
    try {
      for (AutoCloseable process : List.of(closer(main), closer(backup))) {
        process.close();
      }
      for (ManagerProcess manager : managers) {
        manager.close();
      }
      if (database != null) {
        database.close();
      }
      if (postgres != null) {
        postgres.close();
      }
    } finally {
      if (network != null) {
        network.close();
      }
    }
  }

  private static AutoCloseable closer(RecorderProcess recorder) {
    return recorder == null ? () -> { } : recorder;
  }

  /** A step that failed halfway leaves no cut behind for the next. */
  @AfterEach
  void healEveryCut() throws Exception {
    if (network != null) {
      network.healAll();
    }
  }

  @Test
  @Order(1)
  void aMainCutOffFromManagersAndDatabaseIsFailedOverOnceMarksNothingAndReturnsSecondaryWithNothingLost()
      throws Exception {
    int conversations = 30;
    Path details = root.resolve("conversations.jsonl");
    Process client = RecorderProcess.launch(network.launcher("sbc"), List.of("simulate", "--recorder",
        main.sipAddress(), "--recorder", backup.sipAddress(), "--conversations", Integer.toString(conversations),
        "--cps", "2", "--duration", "5", "--details", details.toString()), root.resolve("simulate.log"));
    await().atMost(Duration.ofSeconds(30)).until(() -> calls(main) >= 4 && endedCalls(backup) >= 1);
    long lastEventBefore = database.lastEventId();

    Instant cutAt = Instant.now();
    network.cut("main", List.of("db", "mgr1", "mgr2"));
    // Marks sent before this may still land; none sent after it can while the cut lasts.
    Instant cutDone = Instant.now();
    int callsAtCut = calls(main);
    FailoverView failover;
    try {
      failover = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> database.failovers(), failovers -> !failovers.isEmpty()).getFirst();
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.out.println("no failover; the call database's sessions: " + sessions());
      throw e;
    }
    long committedMillis = Duration.between(cutAt, Instant.now()).toMillis();
    // The RRC decides at detectedAt; the failover is in the call database once its transaction could lock the pair,
    // which a marking transaction of the Main left open by the cut holds until the server ends it.
    System.out.printf("partition: Main cut off, failover decided %d ms and in the call database %d ms after the cut "
        + "(health 500 ms x 3)%n", Duration.between(cutAt, failover.detectedAt()).toMillis(), committedMillis);
    assertThat(failover.kind()).isEqualTo("FAILOVER");
    assertThat(failover.fromSerial()).isEqualTo(Integer.toString(MAIN));
    assertThat(failover.toSerial()).isEqualTo(Integer.toString(BACKUP));
    assertThat(failover.epoch()).isEqualTo(2);
    // The client still calls the Main while it is cut off: it records, and cannot mark.
    await().atMost(Duration.ofSeconds(30)).until(() -> calls(main) >= callsAtCut + 4);
    await().atMost(Duration.ofSeconds(30)).until(() -> database.openFailovers().isEmpty());
    assertThat(copiesMarkedUnderEpochSince(MAIN, Long.MAX_VALUE, cutDone)).as("copies the Main marked while cut off")
        .isZero();

    network.heal("main");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonNode health = PairFixture.getJson(main.adminUrl() + "/health");
      assertThat(health.get("role").asText()).isEqualTo("SECONDARY");
      assertThat(health.get("epoch").asLong()).isEqualTo(2);
    });
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("the client finished").isTrue();
    assertThat(client.exitValue()).as("client: %s", Files.readString(root.resolve("simulate.log"))).isZero();
    List<ConversationSent> sent = Files.readAllLines(details).stream().map(NetworkPartitionTest::conversation)
        .toList();
    assertThat(sent).hasSize(conversations);

    String acting = managers.get(0).url();
    ConversationTally tally = ConversationTally.awaitEveryCopyLinked(List.of(main, backup), acting, sent,
        Duration.ofSeconds(120));
    System.out.printf("partition: Main cut off and healed: %s%n", tally);
    assertThat(List.of(tally.missing(), tally.duplicated(), tally.misjoined(), tally.incompleteBest()))
        .as("lost, duplicated, misjoined, incomplete best in %s", tally).containsOnly(0);
    assertThat(copiesOf(BACKUP)).as("the Backup recorded and marked every conversation").isEqualTo(conversations);
    assertThat(copiesMarkedUnderEpochSince(MAIN, 1, cutDone)).as("copies of the Main marked under the old epoch after "
        + "the cut").isZero();
    assertThat(database.failovers()).as("failovers").singleElement().extracting(FailoverView::state)
        .isEqualTo("DONE");
    assertThat(database.pairs().getFirst().epoch()).isEqualTo(2);
    assertThat(eventsAfter(lastEventBefore, "FAILOVER")).hasSize(1);
    JsonNode recorders = PairFixture.getJson(acting + "/api/pairs").get(0).get("recorders");
    for (JsonNode recorder : recorders) {
      assertThat(recorder.get("role").asText()).as("%s", recorder)
          .isEqualTo(recorder.get("serial").asInt() == BACKUP ? "PRIMARY" : "SECONDARY");
    }
  }

  @Test
  @Order(2)
  void anActingManagerCutOffStopsActingTheOtherTakesOverAndNoPairIsFailedOver() throws Exception {
    ManagerProcess cut = managers.get(0);
    ManagerProcess other = managers.get(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> "acting".equals(rrc(cut)) && "standby".equals(rrc(other)));
    long epochBefore = database.pairs().getFirst().epoch();
    int failoversBefore = database.failovers().size();
    long lastEventBefore = database.lastEventId();

    long cutAt = System.nanoTime();
    network.cut("mgr1", List.of("db", "mgr2", "main", "backup", "sbc"));
    // The test's own path to the cut Manager stays: what it says of itself is sampled the whole time.
    RrcSamples cutSays = RrcSamples.start(() -> rrc(cut));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> "acting".equals(rrc(other)));
    long otherActs = System.nanoTime();
    long takeoverMillis = (otherActs - cutAt) / 1_000_000;
    System.out.printf("partition: acting Manager cut off, the other acts %d ms after the cut (lease 3 s)%n",
        takeoverMillis);
    assertThat(ready(other).get("rrcLeader").asText()).isEqualTo(other.url());
    // The cut Manager sees both recorders fail; the one acting sees them healthy. Nobody fails the pair over.
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
        .until(() -> database.pairs().getFirst().epoch() == epochBefore);

    network.heal("mgr1");
    await().atMost(Duration.ofSeconds(60)).until(() -> "standby".equals(rrc(cut))
        && other.url().equals(ready(cut).get("rrcLeader").asText()));
    // What the cut Manager might still have sent when healed has arrived by now, or never will.
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() -> "acting".equals(rrc(other)));
    cutSays.stop();
    System.out.printf("partition: the cut Manager last said it acts %s ms after the cut, first said it stands by %s ms "
        + "after it%n", cutSays.lastAsked("acting").map(at -> Long.toString((at - cutAt) / 1_000_000)).orElse("never"),
        cutSays.firstAsked("standby").map(at -> Long.toString((at - cutAt) / 1_000_000)).orElse("never"));
    assertThat(cutSays.lastAsked("acting").orElse(Long.MIN_VALUE))
        .as("when the cut Manager, asked last, said it acts: before the other acted").isLessThan(otherActs);
    assertThat(database.pairs().getFirst().epoch()).as("epoch").isEqualTo(epochBefore);
    assertThat(database.failovers()).as("failovers").hasSize(failoversBefore);
    assertThat(eventsAfter(lastEventBefore, null)).as("events after the Manager was cut off")
        .noneMatch(event -> WRITTEN_ONLY_ON_TROUBLE.contains(event.type()));
    assertThat(PairFixture.getJson(other.url() + "/api/pairs").get(0).get("recorders"))
        .allSatisfy(recorder -> assertThat(recorder.get("healthy").asBoolean()).as("%s", recorder).isTrue());
  }

  @Test
  @Order(3)
  void killedRatherThanCutTheActingManagerIsTakenOverAndThePrimaryFailedOverToo() throws Exception {
    ManagerProcess killed = managers.get(1);
    ManagerProcess other = managers.get(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> "acting".equals(rrc(killed)) && "standby".equals(rrc(other)));
    long killedAt = System.nanoTime();
    killed.kill9();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> "acting".equals(rrc(other)));
    System.out.printf("baseline: the other Manager acts %d ms after kill -9 of the acting one (lease 3 s)%n",
        (System.nanoTime() - killedAt) / 1_000_000);

    int failoversBefore = database.failovers().size();
    Instant primaryKilledAt = Instant.now();
    backup.kill9();
    FailoverView failover = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> database.failovers(), failovers -> failovers.size() > failoversBefore).getLast();
    System.out.printf("baseline: failover decided %d ms and in the call database %d ms after kill -9 of the primary "
        + "(health 500 ms x 3)%n", Duration.between(primaryKilledAt, failover.detectedAt()).toMillis(),
        Duration.between(primaryKilledAt, Instant.now()).toMillis());
    assertThat(failover.fromSerial()).isEqualTo(Integer.toString(BACKUP));
    assertThat(failover.toSerial()).isEqualTo(Integer.toString(MAIN));
    assertThat(failover.epoch()).isEqualTo(3);
  }

  private static ConversationSent conversation(String line) {
    try {
      return Json.MAPPER.readValue(line, ConversationSent.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable line of the client's details: " + line, e);
    }
  }

  private static List<EventView> eventsAfter(long id, String type) throws Exception {
    return database.eventsAfter(id, 10_000).stream().filter(event -> type == null || type.equals(event.type()))
        .toList();
  }

  private static long copiesOf(int serial) throws Exception {
    return count("SELECT count(*) FROM copies WHERE serial = ?", serial, null, null);
  }

  private static long copiesMarkedUnderEpochSince(int serial, long epoch, Instant since) throws Exception {
    return count("SELECT count(*) FROM copies WHERE serial = ? AND marked_epoch <= ? AND marked_at >= ?", serial,
        epoch, since);
  }

  private static long count(String sql, int serial, Long epoch, Instant since) throws Exception {
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, serial);
      if (epoch != null) {
        statement.setLong(2, epoch);
        statement.setTimestamp(3, Timestamp.from(since));
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Each session of the call database: its client, state, what it waits on and its statement. */
  private static List<String> sessions() throws Exception {
    List<String> sessions = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
        ResultSet rows = connection.createStatement().executeQuery("SELECT client_addr, state, wait_event_type, "
            + "wait_event, left(query, 120) FROM pg_stat_activity WHERE backend_type = 'client backend'")) {
      while (rows.next()) {
        sessions.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + "/" + rows.getString(4)
            + ": " + rows.getString(5));
      }
    }
    return sessions;
  }

  private static int calls(RecorderProcess recorder) throws Exception {
    return PairFixture.getJson(recorder.adminUrl() + "/api/calls").size();
  }

  private static int endedCalls(RecorderProcess recorder) throws Exception {
    int ended = 0;
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls")) {
      ended += call.path("end").isNull() || call.path("end").isMissingNode() ? 0 : 1;
    }
    return ended;
  }

  /** "acting" or "standby" as the Manager's {@code /ready} says; null while it is not ready or does not answer. */
  private static String rrc(ManagerProcess manager) {
    try {
      JsonNode ready = ready(manager);
      return ready == null ? null : ready.get("rrc").asText();
    } catch (Exception e) {
      return null;
    }
  }

  private static JsonNode ready(ManagerProcess manager) throws Exception {
    HttpResponse<String> response = PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(manager.url()
        + "/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? Json.MAPPER.readTree(response.body()) : null;
  }
}
