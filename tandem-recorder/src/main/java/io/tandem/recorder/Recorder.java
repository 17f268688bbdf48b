package io.tandem.recorder;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.DtmfEvent;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Role;
import io.tandem.archive.ArchiveMounts;
import io.tandem.archive.ArchiveTargets;
import io.tandem.callbuffer.AuditCursor;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.DiskFloor;
import io.tandem.callbuffer.FreeSpaceWatch;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.callbuffer.LocalStoreException;
import io.tandem.callbuffer.RetentionResult;
import io.tandem.callbuffer.RetentionRules;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.PayloadLog;
import io.tandem.capture.rtp.RtpPortPool;
import io.tandem.capture.sip.SipAccess;
import io.tandem.capture.sip.SipRefusals;
import io.tandem.capture.sip.SipServer;
import io.tandem.capture.siprec.RecordingSessions;
import io.tandem.config.DirectoryLock;
import io.tandem.config.PrivateFiles;
import io.tandem.audit.AuditEntry;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseErrors;
import io.tandem.database.Fence;
import io.tandem.database.FencedException;
import io.tandem.database.LegalHold;
import io.tandem.database.RecorderAssignment;
import io.tandem.database.RecorderRegistration;
import io.tandem.decoding.CallDecoder;
import io.tandem.decoding.Ffmpeg;
import io.tandem.decoding.MediaDecoding;
import io.tandem.gapaudit.GapAudit;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.WavFile;
import io.tandem.rebuild.AuditTrail;
import io.tandem.rebuild.JobConflictException;
import io.tandem.admin.JobView;
import io.tandem.rebuild.RebuildJobs;
import io.tandem.workflow.ConsolidationListener;
import io.tandem.workflow.Consolidator;
import io.tandem.workflow.MediaCheck;
import io.tandem.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recorder process: capture into the call buffer, the Workflow that consolidates while the recorder
 * is primary, and the admin API. Starts without the call database (recording never waits for it) and
 * registers with it in the background. {@link #stop()} is clean: calls in progress end truncated with
 * their media, and the same data directory resumes.
 */
public final class Recorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Recorder.class);

  /**
   * How often free space is checked: one system call. At 16 KB/s a stream, even 10,000 streams write 32 MB between
   * two checks, far less than a floor, so a burst of calls cannot run the disk out unseen; no packet pays for it.
   */
  private static final long FREE_SPACE_CHECK_MILLIS = 200;

  private final RecorderConfig config;
  private final Clock clock;
  private final MediaFiles files;
  private final ScheduledExecutorService chores = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("recorder-chores").daemon().factory());
  // Its own thread, so that a long audit never holds up registration or the ending of silent calls.
  private final ScheduledExecutorService gapChores = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("recorder-gap-audit").daemon().factory());
  // Its own thread, so that a registration waiting on the call database never delays a free-space check.
  private final ScheduledExecutorService diskChores = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("recorder-disk-watch").daemon().factory());
  // Its own thread, so that a pass asking a slow call database never delays registration or call ends.
  private final ScheduledExecutorService retentionChores = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("recorder-retention").daemon().factory());
  private final DeferredEnds deferredEnds = new DeferredEnds();
  private final AtomicLong turnedAway = new AtomicLong();
  private FreeSpaceWatch freeSpace;
  private DirectoryLock lock;
  private LocalStore store;
  private CallBuffer buffer;
  private Workflow workflow;
  private Standing standing;
  private CallDatabase database;
  private Consolidator consolidator;
  private ArchiveTargets archive;
  private AuditTrail audit;
  private RebuildJobs rebuilds;
  private MediaCapture media;
  private MediaDecoding decoding;
  private RecordingSessions sessions;
  private SipServer sip;
  private RecorderAdmin admin;
  private RecorderMetrics metrics;
  private GapAudit gapAudit;
  private LegalHoldCache legalHolds;
  private volatile boolean registered;
  private volatile boolean promoteGaps = true;
  private volatile RetentionResult retention = RetentionResult.NONE;

  public Recorder(RecorderConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.files = config.sealing().files();
  }

  public synchronized Recorder start() throws IOException {
    SipAccess access = config.sipAccess();
    // Read first, so that a certificate or key that cannot be used stops the start before anything is taken.
    SSLContext tls = access.tls() == null ? null : access.tls().sslContext();
    Path dataDir = config.dataDir();
    PrivateFiles.createFolders(dataDir);
    lock = DirectoryLock.claim(dataDir, "recorder.lock", "recorder");
    // Looked up beside the rest of the start, which does not wait for it; the first call to decode does.
    Ffmpeg decoder = Ffmpeg.locateInBackground(config.mediaDecoder());
    freeSpace = FreeSpaceWatch.of(dataDir, config.diskFloor());
    FreeSpaceWatch.Reading room = freeSpace.reading();
    log.info("free-space floor of {}: {}, that is {} on its filesystem; {} free now", dataDir, config.diskFloor(),
        DiskFloor.size(room.floorBytes()), DiskFloor.size(room.freeBytes()));
    // SQLite makes its journal files with the mode of the database file.
    PrivateFiles.touch(dataDir.resolve("buffer.db"));
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, config.serial(), config.contingencySerial()), clock);
    workflow = new Workflow(store, clock);
    standing = Standing.load(dataDir.resolve("standing.properties"), config.position());
    legalHolds = LegalHoldCache.load(dataDir.resolve("legal-holds.json"));
    new SealedMediaCheck(dataDir, files).check(buffer.recording(), buffer.newest(SealedMediaCheck.NEWEST));
    log.info("media at rest: new files {}; media keys {}", files.sealsNew() ? "sealed (AES-256-GCM) under key "
        + files.keys().current().id() : "plain", files.keys().ids());
    recoverInterruptedCalls();
    database = CallDatabase.connect(config.databaseConfig());
    metrics = new RecorderMetrics(config.serial());
    decoding = new MediaDecoding(dataDir, buffer, new CallDecoder(decoder, files),
        metrics::quirk);
    archive = ArchiveTargets.of(files, ArchiveMounts.none(), config.s3Targets(), clock);
    if (!config.s3Targets().isEmpty()) {
      log.info("archive: S3 targets {}", config.s3Targets());
    }
    consolidator = Consolidator.builder().workflow(workflow).callBuffer(buffer).dataDir(dataDir).marker(database)
        .decoding(decoding).mediaFiles(files).archive(archive)
        .ledger(database).fences(this::fence).retryable(DatabaseErrors::isRetryable).clock(clock)
        .listener(new ConsolidationListener() {
          @Override
          public void onFenced(FencedException refusal) {
            log.warn("marking refused: {}", refusal.getMessage());
          }

          @Override
          public void onMarked(List<Inum> inums) {
            metrics.marked(inums);
          }
        })
        .build();
    consolidator.setActive(standing.role() == Role.PRIMARY);
    consolidator.start();
    MediaCheck mediaCheck = new MediaCheck(dataDir, files);
    gapAudit = new GapAudit(new AuditCursor(store), workflow,
        (calls, lookUpOnly) -> database.link(fence(), calls, lookUpOnly), mediaCheck::verdict, this::reportGap, clock,
        config.gapGrace());
    audit = new AuditTrail((actor, action, detail, result) -> database.audit(new AuditEntry(actor, action,
        auditTarget(), detail, result)), DatabaseErrors::isRetryable, Duration.ofSeconds(1));
    rebuilds = new RebuildJobs(store, buffer, workflow, this::catchUpGaps, audit, clock, config.timeZone());
    media = new MediaCapture(config.sipHost(), new RtpPortPool(config.rtpPortMin(), config.rtpPortMax()), dataDir,
        clock, new CaptureSettings(config.rtpThreads(), config.jitterDelay(), config.flushInterval())
            .withSourceTakeover(config.rtpSourceTakeover()).withReceive(config.rtpReceive()), files);
    SipRefusals refusals = new SipRefusals();
    sessions = new RecordingSessions(buffer, media, () -> CallRole.of(standing.role()), this::endCall,
        config.sipHost(), clock, access.limits(), refusals);
    sessions.takeNewCallsWhile(this::takesNewCall);
    sip = new SipServer(sessions, access.allowed(), access.limits(), refusals);
    sip.start(config.sipHost(), config.sipPort());
    if (tls != null) {
      sip.startTls(config.sipHost(), access.tls().port(), tls);
    }
    admin = new RecorderAdmin(this, metrics).start(config.adminHost(), config.adminPort(), config.adminTls());
    rebuilds.finishCutFull("recorder").ifPresent(job -> log.warn("a Rebuild Full was cut by a stop before it ended;"
        + " finishing it as job {}: {}", job.id(), job.command()));
    metrics.bind(this);
    chores.execute(this::registerAndReschedule);
    chores.scheduleWithFixedDelay(() -> sessions.endSilentCalls(config.mediaTimeout()), 1, 1, TimeUnit.SECONDS);
    retentionChores.schedule(this::applyRetentionAndReschedule, retentionInterval().toMillis(),
        TimeUnit.MILLISECONDS);
    chores.scheduleWithFixedDelay(this::writeDeferredEnds, 1, 1, TimeUnit.SECONDS);
    diskChores.scheduleWithFixedDelay(freeSpace::check, FREE_SPACE_CHECK_MILLIS, FREE_SPACE_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
    // Every 10 s, or as often as the grace period when it is shorter; a pass with nothing due costs no query.
    long auditMillis = Math.min(10_000, config.gapGrace().toMillis());
    gapChores.scheduleWithFixedDelay(this::auditGaps, auditMillis, auditMillis, TimeUnit.MILLISECONDS);
    log.info("recorder {} ({} of pair {}) started as {} at epoch {}; SIP {}{}, admin {}", config.serial(),
        config.position(), config.pair(), standing.role(), standing.epoch(), sipAddress(),
        tls == null ? "" : ", SIP over TLS " + sipTlsAddress(), adminUrl());
    return this;
  }

  /**
   * Ends a call and, on the primary, submits it to the Workflow in the same local transaction, so that
   * no kill -9 can leave a finished call of the primary outside its Workflow. An end that the local store
   * refuses (its disk full) is kept and written again every second; the call as it will be is returned.
   */
  private CallRecord endCall(Inum inum, Instant end, CallState state, MediaStats stats, List<DtmfEvent> dtmf) {
    DeferredEnds.End ended = new DeferredEnds.End(inum, end, state, stats, dtmf);
    try {
      return writeEnd(ended);
    } catch (LocalStoreException e) {
      deferredEnds.add(ended);
      log.error("call {} ended {} but the local store refused to write its end ({}); the end is kept, written "
          + "again every second, and no new call is taken until it is", inum, state, e.getMessage());
      return buffer.find(inum).map(call -> call.finish(end, state, stats, dtmf)).orElseThrow(() -> e);
    }
  }

  private CallRecord writeEnd(DeferredEnds.End ended) {
    Inum inum = ended.inum();
    CallRecord call = store.transaction(c -> {
      CallRecord finished = buffer.finish(inum, ended.end(), ended.state(), ended.stats(), ended.dtmf());
      if (submits(finished)) {
        workflow.submit(inum);
      }
      return finished;
    });
    metrics.callEnded(call, submits(call));
    log.info("call {} ended {}: {} ms of media, {} packets, {} lost{}", inum, call.state(),
        call.stats().durationMillis(), call.stats().packetsReceived(), call.stats().packetsLost(),
        submits(call) ? "; submitted to the Workflow" : "");
    return call;
  }

  private void writeDeferredEnds() {
    if (deferredEnds.isEmpty()) {
      return;
    }
    int written = deferredEnds.writeWaiting(this::writeEnd);
    if (written > 0) {
      log.info("the local store took {} call end(s) it had refused; {} still waiting", written, deferredEnds.size());
    }
  }

  /** Asked at every new INVITE: a new call is taken only while the recorder can capture it. */
  private boolean takesNewCall() {
    if (capturing()) {
      return true;
    }
    turnedAway.incrementAndGet();
    return false;
  }

  /** Only the primary submits; a call that began on a secondary which became primary since is submitted too. */
  private boolean submits(CallRecord call) {
    return standing.role() == Role.PRIMARY;
  }

  /** Calls still RECORDING were cut off by the last stop: keep their media, truncate them, submit them. */
  private void recoverInterruptedCalls() {
    List<CallRecord> interrupted = buffer.recording();
    if (interrupted.isEmpty()) {
      return;
    }
    store.transaction(c -> {
      buffer.recoverInterrupted(clock.instant(), this::repairMedia);
      workflow.submitAll(interrupted.stream().filter(this::submits).map(CallRecord::inum).toList());
      return null;
    });
    log.warn("{} call(s) cut off by the last stop were kept as truncated: {}", interrupted.size(),
        interrupted.stream().map(call -> call.inum().toString()).toList());
  }

  private MediaStats repairMedia(CallRecord call) {
    Path wav = config.dataDir().resolve(call.mediaPath());
    int channels = Math.max(1, call.streams().size());
    try {
      long bytes = 0;
      if (Files.exists(wav)) {
        try (MediaChannel channel = files.recover(wav)) {
          bytes = WavFile.repair(channel, wav, channels);
        }
      }
      Path payloads = PayloadLog.pending(wav);
      if (Files.exists(payloads)) {
        files.recover(payloads).close();
      }
      return new MediaStats(0, 0, bytes, bytes * 1000 / (2L * channels * 8000));
    } catch (IOException e) {
      log.error("media of interrupted call {} cannot be repaired", call.inum(), e);
      return MediaStats.NONE;
    }
  }

  private Fence fence() {
    return new Fence(config.serial(), standing.epoch());
  }

  /**
   * Registers, then again in 2 s (which is how role and epoch changes are learned), or in 200 ms while not yet
   * registered: a recorder started beside its call database registers as soon as the database answers.
   */
  private void registerAndReschedule() {
    registerQuietly();
    try {
      chores.schedule(this::registerAndReschedule, registered ? 2_000 : 200, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The recorder is stopping.
    }
  }

  private void registerQuietly() {
    try {
      RecorderAssignment assignment = database.register(new RecorderRegistration(config.serial(), config.pair(),
          config.position(), adminUrl(), sipAddress()));
      adopt(assignment.role(), assignment.epoch());
      promoteGaps = assignment.promoteGaps();
      if (!registered) {
        registered = true;
        log.info("registered with the call database as {} at epoch {}", assignment.role(), assignment.epoch());
      }
    } catch (Exception e) {
      if (registered || !DatabaseErrors.isRetryable(e)) {
        log.warn("registration with the call database failed: {}", e.getMessage());
      }
      registered = false;
    }
  }

  /**
   * Adopts a role and epoch learned from the call database or handed by the RRC; false, changing nothing,
   * when the epoch is older than the one held. A demoted recorder stops consolidating non-promoted entries
   * before it learns the new epoch, a promoted one starts after, so nothing is ever marked as primary
   * under an epoch in which this recorder is secondary.
   */
  public synchronized boolean adopt(Role role, long epoch) throws IOException {
    if (epoch < standing.epoch()) {
      return false;
    }
    if (role != Role.PRIMARY) {
      consolidator.setActive(false);
    }
    boolean adopted = standing.update(role, epoch);
    if (adopted && role == Role.PRIMARY) {
      consolidator.setActive(true);
    }
    return adopted;
  }

  /** How the audit names this recorder. */
  String auditTarget() {
    return "recorder " + config.serial();
  }

  /**
   * Writes an audit row of this recorder and returns once it is durable in the call database.
   *
   * @throws java.sql.SQLException when it cannot be written: the action it records must then be refused
   */
  void auditNow(String actor, String action, String detail, String result) throws java.sql.SQLException {
    database.audit(new AuditEntry(actor, action, auditTarget(), detail, result));
  }

  /** Audits without waiting: a row the call database cannot take now is written when it can. */
  void auditLater(String actor, String action, String detail, String result) {
    audit.record(actor, action, detail, result);
  }

  Clock clock() {
    return clock;
  }

  /** The call database, for the admin API's credentials and the epochs it has issued. */
  CallDatabase callDatabase() {
    return database;
  }

  /**
   * Starts the promotion of {@code [from, to)} ({@code to} null: now) that the RRC orders at failover.
   *
   * @throws JobConflictException when this recorder is not the primary of {@code epoch}, or another job runs
   */
  public JobView promote(long epoch, Instant from, Instant to, String actor) {
    Standing.Current ordered = new Standing.Current(Role.PRIMARY, epoch);
    if (!standing.current().equals(ordered)) {
      throw new JobConflictException("a promotion ordered at epoch " + epoch + " needs this recorder to be its "
          + "primary, but it is " + standing.role() + " at epoch " + standing.epoch());
    }
    Instant end = to == null ? clock.instant() : to;
    return rebuilds.promote(from, end, () -> standing.current().equals(ordered), actor);
  }

  /** Whether the pair's gap policy, as last learned, promotes a missing call of this secondary. */
  public boolean promoteGaps() {
    return promoteGaps;
  }

  /**
   * One pass of the gap audit, only while this recorder is a registered secondary: links its copies to their
   * interactions and reports (and promotes) the gaps; a failure postpones it.
   */
  private void auditGaps() {
    if (!registered || standing.role() != Role.SECONDARY) {
      return;
    }
    try {
      int gaps = gapAudit.run(promoteGaps);
      if (gaps > 0) {
        log.warn("gap audit: {} call(s) recorded here were missing from the call database; {}", gaps,
            promoteGaps ? "promoted" : "reported only, as the pair's gap policy says");
      }
    } catch (Exception e) {
      log.warn("gap audit postponed: {}", e.getMessage());
    }
  }

  /** The gap audit a promotion runs first, at once, over every call that started and ended before its window. */
  private void catchUpGaps(Instant windowStart) throws Exception {
    boolean promote = promoteGaps;
    int gaps = gapAudit.catchUp(windowStart, promote);
    if (gaps > 0) {
      log.warn("gap audit before promoting the window from {}: {} call(s) recorded here were missing from the call "
          + "database; {}", windowStart, gaps, promote ? "promoted" : "reported only, as the pair's gap policy says");
    }
  }

  private void reportGap(CallRecord call, boolean promoted) throws Exception {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("serial", Integer.toString(config.serial()));
    details.put("inum", call.inum().toString());
    details.put("correlationKey", call.correlationKey());
    details.put("start", call.start().toString());
    details.put("action", promoted ? "promoted" : "reported");
    database.appendEvent("GAP", config.pair(), details);
  }

  /** The gap audit of this recorder; its count of gaps is the metric {@code tandem_gap_calls_total}. */
  public GapAudit gapAudit() {
    return gapAudit;
  }

  /**
   * The alarms this recorder raises itself, for its health answer; none while all is well. DISK_LOW: free space
   * is below the floor (and not yet back above floor and margin). STORE_WRITE_FAILED: the local store refused to
   * write the ends of calls, which wait in memory. BUFFER_HELD_FULL: the last retention pass left the call buffer
   * over its size, held there by calls it may not roll off.
   */
  public List<String> alarms() {
    List<String> alarms = new ArrayList<>(3);
    if (freeSpace.low()) {
      alarms.add("DISK_LOW");
    }
    if (!deferredEnds.isEmpty()) {
      alarms.add("STORE_WRITE_FAILED");
    }
    if (retention.full()) {
      alarms.add("BUFFER_HELD_FULL");
    }
    return alarms;
  }

  /**
   * False when the recorder cannot capture new calls: its data directory is below its free-space floor, its
   * local store refuses writes, or its call buffer is over its size with calls it may not roll off. Reads the
   * last free-space check and retention pass; costs no system call.
   */
  public boolean capturing() {
    return !freeSpace.low() && deferredEnds.isEmpty() && !retention.full();
  }

  /** The free space of the data directory as last checked, against its floor. */
  public FreeSpaceWatch.Reading freeSpace() {
    return freeSpace.reading();
  }

  /** New INVITEs answered 503 because the recorder could not capture. */
  public long turnedAwayCount() {
    return turnedAway.get();
  }

  /** Call ends the local store refused, waiting in memory to be written. */
  public int deferredEndCount() {
    return deferredEnds.size();
  }

  /**
   * How often retention runs: a quarter of the retention, from 1 s to 10 min, so a short retention (as tests
   * set) is applied within a quarter of itself; every 10 s at most while held copies fill the buffer, so that
   * it takes calls again soon after they are linked or a hold is lifted.
   */
  private Duration retentionInterval() {
    Duration quarter = config.retention().dividedBy(4);
    Duration interval = quarter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
        : quarter.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : quarter;
    return retention.full() && interval.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : interval;
  }

  private void applyRetentionAndReschedule() {
    applyRetention();
    try {
      retentionChores.schedule(this::applyRetentionAndReschedule, retentionInterval().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The recorder is stopping.
    }
  }

  /**
   * One retention pass. The pair's legal holds are read from the call database first, or taken as known last when
   * it cannot be reached; a recorder that never read them rolls nothing off, since any call might be held.
   */
  private void applyRetention() {
    List<LegalHold> holds = legalHolds.refresh(() -> database.legalHolds(config.pair()));
    try {
      boolean wasFull = retention.full();
      RetentionResult result = buffer.applyRetention(new RetentionRules(clock.instant().minus(config.retention()),
          config.capacityBytes(), holds, database::linked), config.dataDir());
      retention = result;
      if (result.removed() > 0) {
        log.info("retention removed {} call(s) from the call buffer", result.removed());
      }
      if (result.full() && !wasFull) {
        log.error("the call buffer holds {} bytes, more than its {} (buffer.capacityBytes), and every call it could "
            + "roll off is held ({} call(s), {} bytes not yet linked in the call database, awaiting reprocess or "
            + "in a legal hold): no new call is taken until room is made", result.bufferBytes(),
            config.capacityBytes(), result.heldCalls(), result.heldBytes());
      } else if (wasFull && !result.full()) {
        log.info("the call buffer is back within its size ({} of {} bytes); new calls are taken again",
            result.bufferBytes(), config.capacityBytes());
      }
    } catch (RuntimeException e) {
      log.warn("retention pass failed; will try again", e);
    }
  }

  /** The pair's legal holds as this recorder last read them, or null when it never could. */
  public List<LegalHold> legalHolds() {
    return legalHolds.known();
  }

  /** What the last retention pass rolled off and held back. */
  public RetentionResult retention() {
    return retention;
  }

  public String adminUrl() {
    return config.adminScheme() + "://" + config.adminHost() + ":" + admin.port();
  }

  /** How this recorder makes and opens its media files, sealed or plain. */
  public MediaFiles mediaFiles() {
    return files;
  }

  public String sipAddress() {
    return config.sipHost() + ":" + sip.port();
  }

  /** {@code host:port} of SIP over TLS, or null when the recorder takes no TLS. */
  public String sipTlsAddress() {
    return sip.tlsPort() == 0 ? null : config.sipHost() + ":" + sip.tlsPort();
  }

  public RecorderConfig config() {
    return config;
  }

  public CallBuffer buffer() {
    return buffer;
  }

  public Workflow workflow() {
    return workflow;
  }

  public Standing standing() {
    return standing;
  }

  public RecordingSessions sessions() {
    return sessions;
  }

  public MediaCapture media() {
    return media;
  }

  /** Decodes what calls kept raw, at consolidation and at first replay. */
  public MediaDecoding decoding() {
    return decoding;
  }

  public SipServer sip() {
    return sip;
  }

  public Consolidator consolidator() {
    return consolidator;
  }

  /** The rebuild and reprocess jobs of this recorder. */
  public RebuildJobs rebuilds() {
    return rebuilds;
  }

  public boolean registered() {
    return registered;
  }

  @Override
  public void close() {
    stop();
  }

  public synchronized void stop() {
    chores.shutdownNow();
    gapChores.shutdownNow();
    diskChores.shutdownNow();
    retentionChores.shutdownNow();
    try {
      // A pass deleting a batch finishes it before the local store closes.
      retentionChores.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (sip != null) {
      sip.stop();
    }
    if (sessions != null) {
      sessions.truncateAll();
    }
    if (media != null) {
      media.stop();
    }
    if (!deferredEnds.isEmpty()) {
      writeDeferredEnds();
      if (!deferredEnds.isEmpty()) {
        log.error("{} call end(s) could not be written before the stop; the next start keeps those calls as "
            + "truncated, with their media", deferredEnds.size());
      }
    }
    if (rebuilds != null) {
      rebuilds.close();
    }
    if (consolidator != null) {
      try {
        consolidator.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (archive != null) {
      archive.close();
    }
    if (admin != null) {
      admin.stop();
    }
    if (audit != null) {
      audit.close();
    }
    if (database != null) {
      database.close();
    }
    if (store != null) {
      store.close();
    }
    try {
      if (lock != null) {
        lock.close();
      }
    } catch (IOException e) {
      log.debug("releasing the data directory lock failed", e);
    }
    log.info("recorder {} stopped", config.serial());
  }
}
