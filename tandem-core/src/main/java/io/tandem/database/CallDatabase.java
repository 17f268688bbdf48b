package io.tandem.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.archive.ArchiveLedger;
import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchivedCopy;
import io.tandem.audit.AuditEntry;
import io.tandem.audit.AuditRow;
import io.tandem.audit.AuditVerdict;
import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;

/**
 * The call database: interactions and their copies, pairs, recorders and epochs, archive state,
 * events and audit, in PostgreSQL behind a connection pool. Connecting never fails because the
 * database is down; each call then fails with an error that {@link DatabaseErrors} classes as
 * retryable. Every write is committed before its method returns. Thread-safe.
 */
public final class CallDatabase implements CallMarker, ArchiveLedger, AutoCloseable {
  private final HikariDataSource pool;
  private final CallMarking marking;
  private final RecorderRegistry registry;
  private final InteractionQueries queries;
  private final EventLog eventLog;
  private final ArchiveStore archive;
  private final Failovers failovers;
  private final AlarmLedger alarms;
  private final NotificationTargetStore notificationTargets;
  private final InteractionMerges merges;
  private final SearchIndexing searchIndexing;
  private final LegalHolds legalHolds;
  private final AuditLog auditLog;
  private final Credentials credentials;
  private final ControllerLease controllerLease;
  private final CallMonths months;
  private final DatabaseConfig config;
  private final Clock clock;

  private CallDatabase(DatabaseConfig config, HikariDataSource pool, Clock clock) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.marking = new CallMarking(pool, clock);
    this.merges = new InteractionMerges(pool);
    this.searchIndexing = new SearchIndexing(pool);
    this.registry = new RecorderRegistry(pool, clock);
    this.queries = new InteractionQueries(pool);
    this.eventLog = new EventLog(pool, clock);
    this.archive = new ArchiveStore(pool, clock);
    this.failovers = new Failovers(pool, clock);
    this.alarms = new AlarmLedger(pool, clock);
    this.notificationTargets = new NotificationTargetStore(pool, clock);
    this.auditLog = new AuditLog(pool, clock);
    this.credentials = new Credentials(pool, clock);
    this.legalHolds = new LegalHolds(pool, clock, auditLog);
    this.controllerLease = new ControllerLease(pool);
    this.months = new CallMonths(pool, clock);
  }

  public static CallDatabase connect(DatabaseConfig config) {
    return connect(config, Clock.systemUTC());
  }

  /** The clock every time this database writes is read from. */
  public Clock clock() {
    return clock;
  }

  /**
   * How long the call database lets a session of the pool sit idle inside a transaction before it ends the session
   * and so the transaction and its locks. A process cut off from the database in the middle of a transaction (a
   * network partition: the server hears nothing more, and learns of it only from TCP keep-alive, hours later)
   * would hold its locks that long: a marking transaction holds its pair's row for share, which held back the
   * failover of a primary cut off while marking. Long enough for any pause of a live process between two
   * statements of one transaction (a collector pause, a loaded host).
   */
  static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

  /** Builds the pool without opening a connection, so that this succeeds while the database is down. */
  public static CallDatabase connect(DatabaseConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    return new CallDatabase(config, new HikariDataSource(poolConfig(config, IDLE_IN_TRANSACTION_TIMEOUT)),
        Objects.requireNonNull(clock, "clock"));
  }

  /**
   * How long one statement of this database's sessions may run before the server cancels it (SQLSTATE 57014, which
   * {@link DatabaseErrors#isStatementTimeout} tells); zero for no limit. Work over many rows runs without it.
   */
  public Duration statementTimeout() {
    return config.statementTimeout();
  }

  /**
   * The pool's settings: its sessions are ended by the server when idle in a transaction {@code idleInTransaction},
   * and their statements cancelled after the config's statement timeout.
   */
  static HikariConfig poolConfig(DatabaseConfig config, Duration idleInTransaction) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("call-database");
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(0);
    // -1: start the pool even when the database cannot be reached now.
    hikari.setInitializationFailTimeout(-1);
    hikari.setConnectionTimeout(5_000);
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    // The statement timeout last: the statements before it run without it.
    hikari.setConnectionInitSql("SET idle_in_transaction_session_timeout = " + idleInTransaction.toMillis()
        + "; SET statement_timeout = " + config.statementTimeout().toMillis());
    return hikari;
  }

  /**
   * Brings the schema to the newest migration on the class path; safe to run by several processes. Runs on
   * connections of its own without the statement timeout: a migration may rewrite or index a table of every call
   * ever marked, and wait for the lock of a table in use, for longer than any statement of the running system; a
   * setting changed on a session of the pool would outlive the migration there. A schema that is up to date, as
   * {@link SchemaCheck} tells without Flyway, is left as it is.
   */
  public void migrate() {
    HikariConfig settings = poolConfig(config.withStatementTimeout(Duration.ZERO), IDLE_IN_TRANSACTION_TIMEOUT);
    settings.setPoolName("call-database-migrations");
    settings.setMaximumPoolSize(2);
    try (HikariDataSource migrating = new HikariDataSource(settings)) {
      if (SchemaCheck.upToDate(migrating, CallDatabase.class.getClassLoader())) {
        return;
      }
      Flyway.configure()
          .dataSource(migrating)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    }
  }

  @Override
  public MarkResult mark(Fence fence, List<CallRecord> calls) throws SQLException, FencedException {
    Objects.requireNonNull(fence, "fence");
    Objects.requireNonNull(calls, "calls");
    return marking.mark(fence, calls);
  }

  /**
   * Links a recorder's calls to the interactions of their conversations, under its fence, as the secondary's
   * gap audit does: each call whose conversation has an interaction (by its copy, its key, its SIP identity,
   * or its participants with a start or end near the interaction's) becomes a copy of it, the interaction is
   * widened to cover it and its best copy chosen again; no interaction is created, and copies linked already
   * are left as they are. One transaction; calls in {@code lookUpOnly} are looked up but not linked.
   *
   * @throws FencedException when the pair's epoch is no longer the fence's: nothing is linked
   */
  public LinkResult link(Fence fence, List<CallRecord> calls, Set<Inum> lookUpOnly)
      throws SQLException, FencedException {
    Objects.requireNonNull(fence, "fence");
    Objects.requireNonNull(calls, "calls");
    return marking.link(fence, calls, Objects.requireNonNull(lookUpOnly, "lookUpOnly"));
  }

  /**
   * One merge pass: merges every pair of live interactions found to be one conversation (same SIP identity,
   * or same participants with starts or ends within the pair's tolerance and copies of different recorders)
   * into the older one; returns how many were merged. Run by one process at a time, periodically.
   */
  public int mergeTwinInteractions() throws SQLException {
    return merges.pass();
  }

  /**
   * Writes the search text of up to {@code batch} interactions queued for it (new ones, and those whose participants
   * changed) in one transaction; returns how many it took from the queue, 0 when none was waiting. A search finds
   * queued interactions too, only more slowly. Safe to run from several processes at once.
   */
  public int indexForSearch(int batch) throws SQLException {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    return searchIndexing.indexBatch(batch);
  }

  /** Interactions waiting for their search text to be written. */
  public long searchQueueLength() throws SQLException {
    return searchIndexing.queued();
  }

  /** Marking batches that took the COPY path so far (for tests). */
  long copiedBatches() {
    return marking.copiedBatches();
  }

  /** Marking batches found already marked, unchanged, by a read and not written (for tests). */
  long alreadyMarkedBatches() {
    return marking.alreadyMarkedBatches();
  }

  /** Marking batches that tried COPY and went back to the upserts (for tests). */
  long copyFallbacks() {
    return marking.copyFallbacks();
  }

  /**
   * Records a recorder's start: creates its pair at epoch 1 on first sight and gives the recorder its
   * role (a new Main starts primary, a new Backup secondary; a known recorder keeps its stored role).
   *
   * @throws IllegalArgumentException if another recorder holds the position, or the serial is in another pair
   */
  public RecorderAssignment register(RecorderRegistration registration) throws SQLException {
    return registry.register(Objects.requireNonNull(registration, "registration"));
  }

  /**
   * Hears the changes of the registered recorders on a connection of its own (see {@link RecorderChanges}); not
   * started.
   */
  public RecorderChanges recorderChanges(Runnable onChange) {
    return new RecorderChanges(config, pool, onChange);
  }

  public List<PairView> pairs() throws SQLException {
    return registry.pairs();
  }

  /**
   * Sets a pair's rollback window, failback policy ({@code never}, {@code manual}), gap policy
   * ({@code report}, {@code promote}) and match tolerance (how far apart, in milliseconds, two copies' starts
   * may be to match by their participants, 0 to 60,000); a null argument leaves that setting as it is. False
   * when there is no such pair.
   *
   * @throws SQLException with SQLState 23514 when a value is outside what the schema allows
   */
  public boolean updatePairPolicy(String pair, Integer rollbackWindowSeconds, String failbackPolicy,
      String gapPolicy, Integer matchToleranceMillis) throws SQLException {
    return registry.updatePolicy(Objects.requireNonNull(pair, "pair"), rollbackWindowSeconds, failbackPolicy,
        gapPolicy, matchToleranceMillis);
  }

  /**
   * Fails a pair over from its primary {@code fromSerial} to {@code toSerial}: raises the epoch, swaps the
   * roles and opens a failover in PROMOTING, all in one transaction; a failover still open in the pair is
   * superseded and its range carried on. Empty, changing nothing, when {@code fromSerial} is no longer the
   * primary or {@code toSerial} not the secondary of the pair. {@code kind} is FAILOVER or FAILBACK.
   *
   * @throws LeaseLostException when the controller lease is no longer the fence's: nothing is written
   */
  public Optional<FailoverView> beginFailover(LeaderFence fence, String pair, String kind, int fromSerial,
      int toSerial, Instant detectedAt) throws SQLException, LeaseLostException {
    return failovers.begin(fence, Objects.requireNonNull(pair, "pair"), Objects.requireNonNull(kind, "kind"),
        fromSerial, toSerial, Objects.requireNonNull(detectedAt, "detectedAt"));
  }

  /** Failovers still PROMOTING, oldest first. */
  public List<FailoverView> openFailovers() throws SQLException {
    return failovers.open();
  }

  /** Every failover, oldest first. */
  public List<FailoverView> failovers() throws SQLException {
    return failovers.all();
  }

  /** The figures of a failover's promotion as the call database shows them now. */
  public PromotionTally promotionTally(FailoverView failover) throws SQLException {
    return failovers.tally(Objects.requireNonNull(failover, "failover"));
  }

  /**
   * Closes an open failover with its figures and appends its event in the same transaction; empty when it
   * was no longer open (closed already), so the event is appended exactly once.
   *
   * @throws LeaseLostException when the controller lease is no longer the fence's: nothing is written
   */
  public Optional<FailoverView> finishFailover(LeaderFence fence, long id, PromotionTally tally)
      throws SQLException, LeaseLostException {
    return failovers.finish(fence, id, Objects.requireNonNull(tally, "tally"));
  }

  /** Interactions whose start is in {@code [from, to)}, oldest first, at most {@code limit}. */
  public List<InteractionView> interactions(Instant from, Instant to, int limit) throws SQLException {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    return queries.inRange(from, to, limit);
  }

  /** The {@code limit} interactions that started last, newest first. */
  public List<InteractionView> recentInteractions(int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    return queries.recent(limit);
  }

  /** One interaction with its copies and participants. */
  public Optional<InteractionView> interaction(long id) throws SQLException {
    return queries.one(id);
  }

  public Optional<MediaSource> bestCopySource(long interactionId) throws SQLException {
    return queries.bestCopySource(interactionId);
  }

  /**
   * Where each copy of an interaction can be read, the marked best copy first and then the others in the
   * best-copy rule's order; empty when there is no such interaction or it has no copy.
   */
  public List<MediaSource> copySources(long interactionId) throws SQLException {
    return queries.copySources(interactionId);
  }

  /** One page of interactions matching {@code search}, with their copies and participants. */
  public InteractionPage search(InteractionSearch search) throws SQLException {
    return queries.search(search);
  }

  /**
   * The server's plans of {@code search}'s queries as {@link #search} asks them, each run ({@code EXPLAIN (ANALYZE,
   * FORMAT JSON)}): how the indexes answer them, and their time in the server alone.
   */
  public List<String> explainSearch(InteractionSearch search) throws SQLException {
    return queries.explainSearch(search);
  }

  /** Copies that started in each of the last {@code minutes} minutes up to {@code now}'s, per recorder. */
  public CallsPerMinute callsPerMinute(Instant now, int minutes) throws SQLException {
    if (minutes < 1 || minutes > 1440) {
      throw new IllegalArgumentException("minutes must be 1 to 1440, got " + minutes);
    }
    return queries.callsPerMinute(now, minutes);
  }

  public long interactionCount() throws SQLException {
    return queries.count();
  }

  @Override
  public List<ArchiveRule> rules() throws SQLException {
    return archive.rules();
  }

  /** Adds an archive rule and returns it with its id; {@code recorderSerial} null means every recorder. */
  public ArchiveRule addRule(String name, Integer recorderSerial, long minDurationMillis, Path target,
      boolean enabled) throws SQLException {
    return addRule(new ArchiveRule(0, name, recorderSerial, minDurationMillis, target, enabled));
  }

  /** Adds an archive rule, whatever its id, and returns it with the id it was given. */
  public ArchiveRule addRule(ArchiveRule rule) throws SQLException {
    return archive.addRule(rule);
  }

  /** Replaces every setting of rule {@code rule.id()}; false when there is no such rule. */
  public boolean updateRule(ArchiveRule rule) throws SQLException {
    return archive.updateRule(rule);
  }

  /** Removes an archive rule; what it archived stays archived. False when there is no such rule. */
  public boolean removeRule(long id) throws SQLException {
    return archive.removeRule(id);
  }

  @Override
  public void recordArchived(Inum inum, ArchivedCopy copy) throws SQLException {
    archive.recordArchived(inum, copy);
  }

  /** Appends an event to the log and returns its id; {@code pairName} may be null. */
  public long appendEvent(String type, String pairName, Map<String, Object> details) throws SQLException {
    return eventLog.appendEvent(type, pairName, details);
  }

  /**
   * Appends an event as an acting write of the RRC and returns its id: committed only while the controller lease is
   * still the fence's.
   *
   * @throws LeaseLostException when the lease is no longer the fence's: nothing is appended
   */
  public long appendEvent(LeaderFence fence, String type, String pairName, Map<String, Object> details)
      throws SQLException, LeaseLostException {
    return eventLog.appendEvent(fence, type, pairName, details);
  }

  /** Every event, oldest first. */
  public List<EventView> events() throws SQLException {
    return eventLog.events();
  }

  /** The newest {@code limit} events, oldest first. */
  public List<EventView> newestEvents(int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    return eventLog.newest(limit);
  }

  /**
   * At most {@code limit} events with an id above {@code id}, oldest first. Events become visible in the order of
   * their ids, so a reader that goes on from the last id it read misses none.
   */
  public List<EventView> eventsAfter(long id, int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    return eventLog.eventsAfter(id, limit);
  }

  /** The id of the last event appended, 0 when there is none. */
  public long lastEventId() throws SQLException {
    return eventLog.lastEventId();
  }

  /** The latest event of {@code type} of each pair that has one. */
  public List<EventView> latestEventsByPair(String type) throws SQLException {
    return eventLog.latestByPair(Objects.requireNonNull(type, "type"));
  }

  /** The latest event of any of {@code types} about each recorder (the {@code serial} of its details). */
  public List<EventView> latestEventsBySerial(List<String> types) throws SQLException {
    return eventLog.latestBySerial(List.copyOf(types));
  }

  /** The alarms raised and not cleared, and their transitions. */
  public AlarmLedger alarms() {
    return alarms;
  }

  /** The lease of the Recorder Redundancy Controller, which one Manager at a time holds. */
  public ControllerLease controllerLease() {
    return controllerLease;
  }

  /** The months of interactions and copies: made ahead, and dropped whole by retention. */
  public CallMonths months() {
    return months;
  }

  /** Where events are pushed, and how far each target has delivered. */
  public NotificationTargetStore notificationTargets() {
    return notificationTargets;
  }

  /**
   * Adds a legal hold on the calls of {@code pair} that start in {@code [from, to)}, with its audit row in the
   * same transaction; empty, changing nothing, when there is no such pair.
   */
  public Optional<LegalHold> addLegalHold(String pair, Instant from, Instant to, String reason, String actor)
      throws SQLException {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("a legal hold's from (" + from + ") must be before its to (" + to + ")");
    }
    return legalHolds.add(Objects.requireNonNull(pair, "pair"), from, to, Objects.requireNonNull(reason, "reason"),
        Objects.requireNonNull(actor, "actor"));
  }

  /** Removes a legal hold of {@code pair}, with its audit row; empty, changing nothing, when it has no such hold. */
  public Optional<LegalHold> removeLegalHold(String pair, long id, String actor) throws SQLException {
    return legalHolds.remove(Objects.requireNonNull(pair, "pair"), id, Objects.requireNonNull(actor, "actor"));
  }

  /** The legal holds of {@code pair}, by their start. */
  public List<LegalHold> legalHolds(String pair) throws SQLException {
    return legalHolds.ofPair(Objects.requireNonNull(pair, "pair"));
  }

  /**
   * Of {@code inums}, those that are copies in the call database (marked, promoted or linked; an archived copy
   * is one too). A copy is never removed, so the answer only grows with time.
   */
  public Set<Long> linked(long[] inums) throws SQLException {
    Objects.requireNonNull(inums, "inums");
    return queries.existingCopies(inums);
  }

  /** Appends a row to the hash-chained audit; durable when this returns. */
  public AuditRow audit(AuditEntry entry) throws SQLException {
    return auditLog.append(entry);
  }

  /**
   * Appends an audit row as an acting write of the RRC: durable when this returns, and only while the controller
   * lease is still the fence's.
   *
   * @throws LeaseLostException when the lease is no longer the fence's: nothing is appended
   */
  public AuditRow audit(LeaderFence fence, AuditEntry entry) throws SQLException, LeaseLostException {
    return auditLog.append(fence, entry);
  }

  /** The {@code limit} newest audit rows, newest first. */
  public List<AuditRow> auditRows(int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    return auditLog.recent(limit);
  }

  /** Walks the audit chain: intact with its row count, or the first row that was changed or deleted. */
  public AuditVerdict verifyAudit() throws SQLException {
    return auditLog.verify();
  }

  /** Users, API tokens and login sessions. */
  public Credentials credentials() {
    return credentials;
  }

  /** The epoch the call database has issued to a pair; empty when there is no such pair. */
  public Optional<Long> epoch(String pair) throws SQLException {
    return registry.epoch(Objects.requireNonNull(pair, "pair"));
  }

  @Override
  public void close() {
    marking.close();
    pool.close();
  }
}
