package io.tandem.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private final EmbeddedPostgres server;

  private EmbeddedDatabase(EmbeddedPostgres server) {
    this.server = server;
  }

  /**
   * Starts the server on {@code dataDirectory}, creating the cluster on first use.
   *
   * @param port the TCP port on loopback, or 0 for a free one
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
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
    return new EmbeddedDatabase(builder.start());
  }

  public String jdbcUrl() {
    return jdbcUrl(server.getPort());
  }

  /** The JDBC URL of an embedded server on {@code port}, known before it starts: its clients may start first. */
  public static String jdbcUrl(int port) {
    return "jdbc:postgresql://localhost:" + port + "/" + DATABASE + "?user=" + USER;
  }

  public int port() {
    return server.getPort();
  }

  /** The configuration to reach this server with a pool of {@code poolSize} connections. */
  public DatabaseConfig config(int poolSize) {
    return new DatabaseConfig(jdbcUrl(), USER, "", poolSize);
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
