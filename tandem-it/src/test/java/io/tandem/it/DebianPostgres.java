package io.tandem.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the machine's own Debian packages ({@code postgresql-15}), as a site runs its call
 * database: made by {@code initdb} in a folder of its own under the system's temporary folder, on a random high port
 * of the loopback address only, trusting local connections as {@code postgres}; or, for a test of several hosts,
 * started through a launcher (such as {@code ip netns exec}) on one address, trusting one network. As root, initdb and the server run
 * as the user {@code postgres} (initdb refuses root). {@link #close} stops the server by its process id (a fast
 * shutdown, then SIGKILL after a timeout) and removes the folder. Not thread-safe.
 */
final class DebianPostgres implements AutoCloseable {
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final long START_WITHIN_SECONDS = 60;

  final int port;
  private final String host;
  private final List<String> launcher;
  private final Path folder;
  private final Path dataDir;
  private Process server;
  private long postmasterPid;

  private DebianPostgres(Path folder, int port, String host, List<String> launcher) {
    this.host = host;
    this.launcher = List.copyOf(launcher);
    this.folder = folder;
    this.dataDir = folder.resolve("data");
    this.port = port;
  }

  /**
   * Fails with one line when the binaries are missing (the suite's command installs {@code postgresql-15}), or skips
   * the test when the run asked to ({@code --skip-peers postgres}); else makes the cluster and starts the server,
   * returning once it takes connections.
   */
  static DebianPostgres start() throws IOException, InterruptedException {
    return start("127.0.0.1", List.of(), null);
  }

  /**
   * As {@link #start()}, the server started through {@code launcher} (a command prefix, such as {@code ip netns exec
   * NAME}), listening on {@code host} only, and trusting connections from {@code trustedNetwork} (such as
   * {@code 10.1.2.0/24}; null: this machine only).
   */
  static DebianPostgres start(String host, List<String> launcher, String trustedNetwork)
      throws IOException, InterruptedException {
    RealPeers.requireInstalled("postgres", BIN.resolve("initdb"), "postgresql-15");
    RealPeers.requireInstalled("postgres", BIN.resolve("postgres"), "postgresql-15");
    Path folder = Files.createTempDirectory("tandem-postgres-");
    DebianPostgres postgres = new DebianPostgres(folder, RecorderProcess.freePort(), host, launcher);
    try {
      postgres.initialize();
      if (trustedNetwork != null) {
        Files.writeString(postgres.dataDir.resolve("pg_hba.conf"), "host all all " + trustedNetwork + " trust\n",
            java.nio.file.StandardOpenOption.APPEND);
      }
      postgres.run();
      return postgres;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      postgres.close();
      throw e;
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/postgres";
  }

  private void initialize() throws IOException, InterruptedException {
    if (asRoot()) {
      // The folder is the server's: the user postgres must own it, and nobody else may read it.
      UserPrincipalLookupService users = folder.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(folder, users.lookupPrincipalByName("postgres"));
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
    }
    Path log = folder.resolve("initdb.log");
    Process initdb = new ProcessBuilder(command(BIN.resolve("initdb").toString(), "-D", dataDir.toString(),
        "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!initdb.waitFor(START_WITHIN_SECONDS, TimeUnit.SECONDS)) {
      initdb.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IllegalStateException("initdb did not finish within " + START_WITHIN_SECONDS + " s");
    }
    if (initdb.exitValue() != 0) {
      throw new IllegalStateException("initdb exited with " + initdb.exitValue() + ": " + Files.readString(log));
    }
  }

  private void run() throws IOException, InterruptedException {
    Path log = folder.resolve("server.log");
    List<String> command = new ArrayList<>(launcher);
    command.addAll(command(BIN.resolve("postgres").toString(), "-D", dataDir.toString(),
        "-p", Integer.toString(port), "-c", "listen_addresses=" + host, "-c", "unix_socket_directories=" + folder,
        "-c", "fsync=off", "-c", "max_connections=200"));
    server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_WITHIN_SECONDS);
    while (true) {
      if (!server.isAlive()) {
        throw new IllegalStateException("PostgreSQL exited with " + server.exitValue() + ": " + Files.readString(log));
      }
      try (Connection connection = DriverManager.getConnection(jdbcUrl(), "postgres", "")) {
        postmasterPid = readPostmasterPid();
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("PostgreSQL did not take connections within " + START_WITHIN_SECONDS
              + " s: " + Files.readString(log), e);
        }
        Thread.sleep(100);
      }
    }
  }

  /** The server's own process id, the first line of its pid file: as root, the started process is runuser. */
  private long readPostmasterPid() throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8).get(0).strip());
  }

  private static List<String> command(String... program) {
    List<String> command = new ArrayList<>();
    if (asRoot()) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.addAll(List.of(program));
    return command;
  }

  private static boolean asRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (postmasterPid > 0) {
      stop(postmasterPid);
    }
    if (server != null && !server.waitFor(10, TimeUnit.SECONDS)) {
      server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** SIGINT is PostgreSQL's fast shutdown: sessions end, the server checkpoints and exits. */
  private static void stop(long pid) throws IOException, InterruptedException {
    ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
    if (handle == null) {
      return;
    }
    new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
    try {
      handle.onExit().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start().waitFor();
      handle.onExit().join();
    }
  }
}
