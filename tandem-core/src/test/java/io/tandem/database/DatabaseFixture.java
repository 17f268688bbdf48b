package io.tandem.database;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.Position;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/** One embedded PostgreSQL with the migrated schema for a test class, and helpers to build calls. */
final class DatabaseFixture implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-11-26T14:30:00Z");

  final EmbeddedDatabase server;
  final CallDatabase database;
  private final Path directory;

  private DatabaseFixture(Path directory, EmbeddedDatabase server) {
    this.directory = directory;
    this.server = server;
    this.database = CallDatabase.connect(server.config(8));
    database.migrate();
  }

  static DatabaseFixture start() throws IOException {
    Path directory = Files.createTempDirectory("call-database");
    return new DatabaseFixture(directory, EmbeddedDatabase.start(directory, 0));
  }

  void clear() throws SQLException {
    execute("TRUNCATE pairs, recorders, interactions, interaction_keys, copies, archive_rules, archived_copies,"
        + " events, audit, failovers, alarms, notification_targets, interaction_merges, users, api_tokens, sessions,"
        + " legal_holds, known_names, interaction_search, interaction_names, search_queue, copy_inums RESTART IDENTITY"
        + " CASCADE");
    execute("UPDATE audit_chain SET last_id = 0, hash = repeat('0', 64), row_count = 0");
  }

  void execute(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /**
   * A database of its own on the same server, made anew and migrated to {@code version} only, as an older build
   * left it; returns its URL.
   */
  String databaseAtVersion(String name, String version) throws SQLException {
    execute("DROP DATABASE IF EXISTS " + name);
    execute("CREATE DATABASE " + name);
    String url = server.jdbcUrl().replace("/postgres?", "/" + name + "?");
    Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration").target(version).load()
        .migrate();
    return url;
  }

  long count(String table) throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** The one text value of a query that returns one row and column. */
  String text(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }

  /** Registers a Main (serial) and a Backup (serial + 1) in {@code pair}; returns the Main's fence. */
  Fence registerPair(String pair, int mainSerial) throws SQLException {
    RecorderAssignment main = database.register(new RecorderRegistration(mainSerial, pair, Position.MAIN,
        "http://127.0.0.1:1", "127.0.0.1:5060"));
    database.register(new RecorderRegistration(mainSerial + 1, pair, Position.BACKUP, "http://127.0.0.1:2",
        "127.0.0.1:5062"));
    return new Fence(mainSerial, main.epoch());
  }

  /** Takes the controller lease for a Manager of this test, whoever held it; the fence it writes under. */
  LeaderFence takeLease(String holderId) throws SQLException {
    ControllerLease lease = database.controllerLease();
    long epoch = lease.take(holderId, "http://" + holderId, lease.read().renewals()).orElseThrow();
    return new LeaderFence(holderId, epoch);
  }

  static CallRecord call(int serial, long sequence, String key, long durationMillis, CallState state) {
    return new CallRecord(Inum.of(serial, sequence), key, T0, T0.plusMillis(durationMillis),
        serial % 2 == 0 ? CallRole.MASTER : CallRole.SLAVE, state,
        List.of(new Participant("p1", "sip:alice@example.com", "Alice")), List.of(),
        new MediaStats(durationMillis / 20, 0, durationMillis * 8, durationMillis), "media/" + sequence + ".wav");
  }

  @Override
  public void close() {
    database.close();
    server.close();
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete the test database under " + directory, e);
    }
  }
}
