package io.tandem.stack;

import io.tandem.archive.ArchiveMounts;
import io.tandem.call.Position;
import io.tandem.config.DirectoryLock;
import io.tandem.config.PrivateFiles;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseConfig;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.manager.FirstAdmin;
import io.tandem.manager.ManagerConfig;
import io.tandem.manager.ManagerAssembly;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.notification.NotificationSettings;
import io.tandem.tls.TlsIdentity;
import io.tandem.tls.TlsTrust;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole stack on one machine with zero set-up: embedded PostgreSQL, the Recorder Manager, and one
 * pair or more whose Mains and Backups run as child processes, all under one data directory. Starting again on
 * the same directory resumes with every call intact. Not thread-safe: start and stop from one thread.
 */
public final class Stack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Stack.class);

  /** How long a start of one pair may take before the stack gives up and says why. */
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);
  /** What each further pair adds to that: two more JVMs sharing the machine's cores. */
  private static final Duration READY_WITHIN_PER_PAIR = Duration.ofSeconds(20);

  private final StackLayout layout;
  private final List<ChildRecorder> recorders = new ArrayList<>();
  private DirectoryLock lock;
  private EmbeddedDatabase postgres;
  private CallDatabase database;
  private ManagerAssembly manager;
  private TlsIdentity tls;
  private MediaKeys mediaKeys;
  private String managerSecret;
  private DatabasePasswords passwords;
  /** The admin's password and API token made at the first start, printed once; null on later starts. */
  private FirstAdmin firstAdmin;

  public Stack(StackLayout layout) {
    this.layout = layout;
  }

  /**
   * Starts everything and returns once the stack is ready: the call database answers, every pair has a
   * registered primary that can capture (the Manager's {@code GET /ready} rule), and every recorder answers as
   * able to capture. The recorders start first, beside the database: a recorder records without it and
   * registers as soon as it answers.
   */
  public Stack start() throws Exception {
    PrivateFiles.createFolders(layout.dataDir());
    lock = DirectoryLock.claim(layout.dataDir(), "stack.lock", "'tandem up'");
    StackPairCount.claim(layout);
    // The recorders are the longest part of a start: they go first, and the secrets are read while they start.
    StackSecrets.makeMissing(layout);
    passwords = DatabasePasswords.ensure(layout.databaseSecretsFile());
    String databaseUrl = EmbeddedDatabase.jdbcUrl(layout.postgresPort(), DatabasePasswords.APPLICATION_ROLE);
    startRecorders(layout.pair(1), databaseUrl);
    database = CallDatabase.connect(new DatabaseConfig(databaseUrl, DatabasePasswords.APPLICATION_ROLE,
        passwords.application(), 8));
    // The Manager is put together (secrets read, routes and parts built: no query) while the database starts.
    CompletableFuture<ManagerAssembly> assembly = new CompletableFuture<>();
    Thread.ofPlatform().name("manager-assembly").start(() -> {
      try {
        assembly.complete(assembleManager(databaseUrl));
      } catch (Throwable e) {
        assembly.completeExceptionally(e);
      }
    });
    // The superuser migrates and makes the application role; every process then connects as that role, which
    // cannot change the audit. The server asks every client for its password.
    postgres = EmbeddedDatabase.startProtected(layout.postgresDir(), layout.postgresPort(), passwords.superuser());
    // The further pairs start once the database has: on a small machine, many JVMs starting at once beside it would
    // keep it from starting in time. A recorder records without the database either way.
    for (StackPair pair : layout.pairs().subList(1, layout.pairCount())) {
      startRecorders(pair, databaseUrl);
    }
    try (CallDatabase owner = CallDatabase.connect(postgres.config(2))) {
      owner.migrate();
    }
    postgres.ensureApplicationRole(DatabasePasswords.APPLICATION_ROLE, passwords.application());
    if (database.rules().isEmpty()) {
      PrivateFiles.createFolders(layout.archiveDir());
      database.addRule("all calls", null, 0, layout.archiveDir(), true);
      log.info("archive rule 'all calls' created: every marked call is copied to {}", layout.archiveDir());
    }
    firstAdmin = FirstAdmin.ensure(database, "tandem up").orElse(null);
    manager = assembled(assembly);
    manager.start();
    awaitReady();
    return this;
  }

  private void startRecorders(StackPair pair, String databaseUrl) throws IOException {
    for (Position position : Position.values()) {
      ChildRecorder child = new ChildRecorder(pair.number() == 1 ? position.name() : pair.name() + " " + position,
          pair.writeRecorderConfig(position, databaseUrl), pair.logFile(position), pair.startupCache(position));
      child.start();
      recorders.add(child);
    }
  }

  /** Reads the secrets and builds the Manager without starting it; no query reaches the call database. */
  private ManagerAssembly assembleManager(String databaseUrl) throws IOException {
    mediaKeys = StackSecrets.mediaKeys(layout);
    managerSecret = StackSecrets.managerSecret(layout);
    tls = layout.plainHttp() ? null : StackSecrets.certificate(layout);
    return new ManagerAssembly(new ManagerConfig("127.0.0.1", layout.port(), databaseUrl,
        DatabasePasswords.APPLICATION_ROLE, passwords.application(),
        Duration.ofSeconds(1), 3, NotificationSettings.defaults(), tls,
        tls == null ? null : TlsTrust.of(layout.certificate(), "tls/ca.pem"), mediaKeys, managerSecret,
        // The recorders are this stack's own children, starting beside the Manager on one machine: one not yet
        // answering is slow, not dead, for as long as the stack waits to be ready (after that the start fails).
        // A recorder seen once and then lost is declared failed as soon as the health watch sees it.
        ArchiveMounts.none(), readyWithin()), database);
  }

  /** The Manager once built; what stopped its building is thrown as it was. */
  private static ManagerAssembly assembled(CompletableFuture<ManagerAssembly> assembly) throws Exception {
    try {
      return assembly.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  public void printUrls(PrintStream out) {
    out.println("Tandem is up. Data directory: " + layout.dataDir());
    out.println("  Recorder Manager   " + layout.managerUrl() + "/");
    out.println("  API                " + layout.managerUrl() + "/api/pairs");
    out.println("  Metrics            " + layout.managerUrl() + "/metrics");
    for (StackPair pair : layout.pairs()) {
      if (layout.pairCount() > 1) {
        out.println("  Pair " + pair.name());
      }
      for (Position position : Position.values()) {
        out.printf("  %-6s recorder    serial %d, admin %s, SIP 127.0.0.1:%d (UDP and TCP), log %s%n",
            position, pair.serial(position), pair.adminUrl(position), pair.sipPort(position), pair.logFile(position));
      }
    }
    out.println("  Call database      " + EmbeddedDatabase.jdbcUrl(layout.postgresPort(),
        DatabasePasswords.APPLICATION_ROLE) + " (user "
        + DatabasePasswords.APPLICATION_ROLE + ", not a superuser; passwords in " + layout.databaseSecretsFile() + ")");
    out.println("  Archive            " + layout.archiveDir());
    out.println("  Media at rest      sealed with AES-256-GCM under master key " + mediaKeys.current().id()
        + " of " + layout.mediaKeyFile() + " (keep a copy: without it the recordings cannot be read)");
    String ca = "";
    if (tls != null) {
      out.println("  Certificate        " + layout.certificate() + ", self-signed for 127.0.0.1 and localhost");
      out.println("                     SHA-256 fingerprint " + tls.fingerprint());
      ca = " --ca " + layout.certificate();
    } else {
      out.println("  HTTP               plain, on loopback only (--http); nothing on the wire is encrypted");
    }
    if (firstAdmin != null) {
      out.println(firstAdmin.lines());
    } else {
      out.println("  Credentials        user '" + FirstAdmin.NAME + "' and the API token printed at the first start");
    }
    out.println("Send calls with: ./tandem simulate --manager " + layout.managerUrl() + ca
        + (layout.pairCount() > 1 ? " --pair all" : "") + " --conversations 10 --cps 2 --duration 10");
    out.println("Rebuild with:    ./tandem shell --recorder " + layout.pair(1).adminUrl(Position.MAIN) + ca);
    if (tls != null) {
      out.println("Ask the API:     curl --cacert " + layout.certificate() + " -H \"Authorization: Bearer "
          + "$TANDEM_TOKEN\" " + layout.managerUrl() + "/api/pairs");
    }
    out.println("Press Ctrl-C to stop; the same data directory resumes.");
  }

  /** The certificate the stack answers HTTPS with, or null on plain HTTP. */
  public TlsIdentity tls() {
    return tls;
  }

  /** The admin made at this start, when the call database had no user; empty on later starts. */
  public Optional<FirstAdmin> firstAdmin() {
    return Optional.ofNullable(firstAdmin);
  }

  public StackLayout layout() {
    return layout;
  }

  private void awaitReady() throws InterruptedException {
    Duration within = readyWithin();
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Optional<String> notReady = manager.notReadyBecause().or(this::recorderNotHealthy);
      if (notReady.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the stack was not ready within " + within.toSeconds() + " s: "
            + notReady.get() + "; see the recorders' logs under " + layout.dataDir());
      }
      Thread.sleep(50);
    }
  }

  private Duration readyWithin() {
    return READY_WITHIN.plus(READY_WITHIN_PER_PAIR.multipliedBy(layout.pairCount() - 1));
  }

  private Optional<String> recorderNotHealthy() {
    for (StackPair pair : layout.pairs()) {
      for (Position position : Position.values()) {
        if (!manager.healthy(Integer.toString(pair.serial(position)))) {
          return Optional.of("the " + position + " recorder" + (layout.pairCount() > 1 ? " of " + pair.name() : "")
              + " has not answered as able to capture (log: " + pair.logFile(position) + ")");
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    stop();
  }

  public void stop() {
    // The Manager first: its RRC must not take recorders being stopped on purpose for failures.
    if (manager != null) {
      manager.stop();
    }
    // All at once: each one's stop (and the writing of its startup cache) overlaps the others'.
    recorders.forEach(ChildRecorder::askToStop);
    recorders.forEach(ChildRecorder::awaitStop);
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    try {
      if (lock != null) {
        lock.close();
      }
    } catch (IOException e) {
      log.debug("releasing the stack lock failed", e);
    }
  }
}
