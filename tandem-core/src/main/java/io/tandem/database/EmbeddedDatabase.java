package io.tandem.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;

/**
 * A PostgreSQL server run as a child process in a data directory of its own: the zero-setup call
 * database. The directory is never cleaned, so starting again on the same directory resumes the same
 * data. Thread-safe; close it once.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final String USER = "postgres";
  private static final String DATABASE = "postgres";

  /** Where a protected server's own client authentication lives: password only, over loopback. */
  private static final String PROTECTED_HBA = """
      # Written by Tandem: every connection, local or over loopback, needs a role's password (SCRAM).
      local all all scram-sha-256
      host all all 127.0.0.1/32 scram-sha-256
      host all all ::1/128 scram-sha-256
      """;

  private final EmbeddedPostgres server;
  private final String superuserPassword;

  private EmbeddedDatabase(EmbeddedPostgres server, String superuserPassword) {
    this.server = server;
    this.superuserPassword = superuserPassword;
  }

  /**
   * Starts the server on {@code dataDirectory}, creating the cluster on first use.
   *
   * @param port the TCP port on loopback, or 0 for a free one
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
    return new EmbeddedDatabase(builder(dataDirectory, port).start(), "");
  }

  /**
   * Starts the server on {@code dataDirectory} as {@link #start} does, and makes it ask every client for a password:
   * on the first start the superuser gets {@code superuserPassword} and the server's client authentication is set to
   * SCRAM passwords only; later starts need the same password. What a stack runs for real; tests use {@link #start}.
   */
  public static EmbeddedDatabase startProtected(Path dataDirectory, int port, String superuserPassword)
      throws IOException {
    Objects.requireNonNull(superuserPassword, "superuserPassword");
    if (superuserPassword.length() < 16) {
      throw new IllegalArgumentException("the superuser's password must be at least 16 characters");
    }
    Path hba = dataDirectory.resolve("pg_hba.conf");
    boolean protectedAlready = Files.isRegularFile(hba) && Files.readString(hba).equals(PROTECTED_HBA);
    EmbeddedPostgres.Builder builder = builder(dataDirectory, port);
    if (protectedAlready) {
      builder.setConnectConfig("password", superuserPassword);
      return new EmbeddedDatabase(builder.start(), superuserPassword);
    }
    EmbeddedPostgres server = builder.start();
    try (Connection connection = DriverManager.getConnection(jdbcUrl(server.getPort()), USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute("ALTER ROLE " + USER + " WITH PASSWORD " + literal(superuserPassword));
      Path written = dataDirectory.resolve("pg_hba.conf.tandem");
      Files.writeString(written, PROTECTED_HBA);
      Files.move(written, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      statement.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      server.close();
      throw new IOException("cannot protect the embedded PostgreSQL server with a password: " + e.getMessage(), e);
    }
    return new EmbeddedDatabase(server, superuserPassword);
  }

  private static EmbeddedPostgres.Builder builder(Path dataDirectory, int port) throws IOException {
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    Files.createDirectories(dataDirectory);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(true)
        .setPGStartupWait(Duration.ofSeconds(30))
        .setServerConfig("listen_addresses", "127.0.0.1")
        // The library's defaults suit throwaway test servers; a call database must keep what it acknowledged.
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on");
    if (port > 0) {
      builder.setPort(port);
    }
    return builder;
  }

  /**
   * Makes (or updates) the login role the stack's processes connect as: not a superuser, may not create roles or
   * databases, a member of {@code tandem_app} (which the migrations grant everything but changing the audit), with
   * {@code password}. Run after the migrations, as the superuser.
   */
  public void ensureApplicationRole(String name, String password) throws SQLException {
    if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("a role name must be lower-case letters, digits and _, got '" + name + "'");
    }
    try (Connection connection = DriverManager.getConnection(jdbcUrl(), USER, superuserPassword);
        Statement statement = connection.createStatement()) {
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + name + "') THEN "
          + "CREATE ROLE " + name + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; END IF; END $$");
      statement.execute("ALTER ROLE " + name + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD "
          + literal(password));
      statement.execute("GRANT tandem_app TO " + name);
    }
  }

  /** {@code text} as an SQL string literal. */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  public String jdbcUrl() {
    return jdbcUrl(server.getPort());
  }

  /** The JDBC URL of an embedded server on {@code port}, known before it starts: its clients may start first. */
  public static String jdbcUrl(int port) {
    return jdbcUrl(port, USER);
  }

  /** The JDBC URL of an embedded server on {@code port} for the login role {@code user}. */
  public static String jdbcUrl(int port, String user) {
    return "jdbc:postgresql://localhost:" + port + "/" + DATABASE + "?user=" + user;
  }

  public int port() {
    return server.getPort();
  }

  /** The configuration to reach this server with a pool of {@code poolSize} connections. */
  public DatabaseConfig config(int poolSize) {
    return new DatabaseConfig(jdbcUrl(), USER, superuserPassword, poolSize);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop the embedded PostgreSQL server", e);
    }
  }
}
