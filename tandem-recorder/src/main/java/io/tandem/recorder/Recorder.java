package io.tandem.recorder;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Role;
import io.tandem.callbuffer.AuditCursor;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.RtpPortPool;
import io.tandem.capture.sip.SipServer;
import io.tandem.capture.siprec.RecordingSessions;
import io.tandem.config.DirectoryLock;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseConfig;
import io.tandem.database.DatabaseErrors;
import io.tandem.database.Fence;
import io.tandem.database.FencedException;
import io.tandem.database.RecorderAssignment;
import io.tandem.database.RecorderRegistration;
import io.tandem.gapaudit.GapAudit;
import io.tandem.media.WavFile;
import io.tandem.rebuild.AuditTrail;
import io.tandem.rebuild.JobConflictException;
import io.tandem.rebuild.JobView;
import io.tandem.rebuild.RebuildJobs;
import io.tandem.workflow.ConsolidationListener;
import io.tandem.workflow.Consolidator;
import io.tandem.workflow.MediaCheck;
import io.tandem.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

  /** Below this much free room in the data directory a recorder reports that it cannot capture. */
  static final long MIN_FREE_BYTES = 64L * 1024 * 1024;

  private final RecorderConfig config;
  private final Clock clock;
  private final ScheduledExecutorService chores = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("recorder-chores").daemon().factory());
  // Its own thread, so that a long audit never holds up registration or the ending of silent calls.
  private final ScheduledExecutorService gapChores = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("recorder-gap-audit").daemon().factory());
  private DirectoryLock lock;
  private LocalStore store;
  private CallBuffer buffer;
  private Workflow workflow;
  private Standing standing;
  private CallDatabase database;
  private Consolidator consolidator;
  private AuditTrail audit;
  private RebuildJobs rebuilds;
  private MediaCapture media;
  private RecordingSessions sessions;
  private SipServer sip;
  private RecorderAdmin admin;
  private RecorderMetrics metrics;
  private GapAudit gapAudit;
  private volatile boolean registered;
  private volatile boolean promoteGaps = true;

  public Recorder(RecorderConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  public synchronized Recorder start() throws IOException {
    Path dataDir = config.dataDir();
    Files.createDirectories(dataDir);
    lock = DirectoryLock.claim(dataDir, "recorder.lock", "recorder");
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, config.serial(), config.contingencySerial()), clock);
    workflow = new Workflow(store, clock);
    standing = Standing.load(dataDir.resolve("standing.properties"), config.position());
    recoverInterruptedCalls();
    database = CallDatabase.connect(new DatabaseConfig(config.databaseUrl(), config.databaseUser(),
        config.databasePassword(), 4));
    metrics = new RecorderMetrics(config.serial());
    consolidator = Consolidator.builder().workflow(workflow).callBuffer(buffer).dataDir(dataDir).marker(database)
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
    MediaCheck mediaCheck = new MediaCheck(dataDir);
    gapAudit = new GapAudit(new AuditCursor(store), workflow,
        (calls, lookUpOnly) -> database.link(fence(), calls, lookUpOnly), mediaCheck::problem, this::reportGap, clock,
        config.gapGrace());
    audit = new AuditTrail(database::audit, DatabaseErrors::isRetryable, Duration.ofSeconds(1));
    rebuilds = new RebuildJobs(store, buffer, workflow, audit, clock, config.timeZone());
    media = new MediaCapture(config.sipHost(), new RtpPortPool(config.rtpPortMin(), config.rtpPortMax()), dataDir,
        clock, new CaptureSettings(config.rtpThreads(), config.jitterDelay(), config.flushInterval()));
    sessions = new RecordingSessions(buffer, media, () -> CallRole.of(standing.role()), this::endCall,
        config.sipHost(), clock);
    sip = new SipServer(sessions);
    sip.start(config.sipHost(), config.sipPort());
    admin = new RecorderAdmin(this, metrics).start(config.adminHost(), config.adminPort());
    metrics.bind(this);
    chores.scheduleWithFixedDelay(this::registerQuietly, 0, 2, TimeUnit.SECONDS);
    chores.scheduleWithFixedDelay(() -> sessions.endSilentCalls(config.mediaTimeout()), 1, 1, TimeUnit.SECONDS);
    chores.scheduleWithFixedDelay(this::applyRetention, 1, 10, TimeUnit.MINUTES);
    // Every 10 s, or as often as the grace period when it is shorter; a pass with nothing due costs no query.
    long auditMillis = Math.min(10_000, config.gapGrace().toMillis());
    gapChores.scheduleWithFixedDelay(this::auditGaps, auditMillis, auditMillis, TimeUnit.MILLISECONDS);
    log.info("recorder {} ({} of pair {}) started as {} at epoch {}; SIP {}, admin {}", config.serial(),
        config.position(), config.pair(), standing.role(), standing.epoch(), sipAddress(), adminUrl());
    return this;
  }

  /**
   * Ends a call and, on the primary, submits it to the Workflow in the same local transaction, so that
   * no kill -9 can leave a finished call of the primary outside its Workflow.
   */
  private CallRecord endCall(Inum inum, Instant end, CallState state, MediaStats stats) {
    CallRecord call = store.transaction(c -> {
      CallRecord finished = buffer.finish(inum, end, state, stats);
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
      long bytes = Files.exists(wav) ? WavFile.repair(wav, channels) : 0;
      return new MediaStats(0, 0, bytes, bytes * 1000 / (2L * channels * 8000));
    } catch (IOException e) {
      log.error("media of interrupted call {} cannot be repaired", call.inum(), e);
      return MediaStats.NONE;
    }
  }

  private Fence fence() {
    return new Fence(config.serial(), standing.epoch());
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

  /** False when the recorder cannot capture: its data directory has too little room left. */
  public boolean capturing() {
    try {
      return Files.getFileStore(config.dataDir()).getUsableSpace() >= MIN_FREE_BYTES;
    } catch (IOException e) {
      return false;
    }
  }

  private void applyRetention() {
    try {
      int removed = buffer.applyRetention(config.retention(), config.capacityBytes(), config.dataDir());
      if (removed > 0) {
        log.info("retention removed {} call(s) from the call buffer", removed);
      }
    } catch (RuntimeException e) {
      log.warn("retention pass failed; will try again", e);
    }
  }

  public String adminUrl() {
    return "http://" + config.adminHost() + ":" + admin.port();
  }

  public String sipAddress() {
    return config.sipHost() + ":" + sip.port();
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
    if (sip != null) {
      sip.stop();
    }
    if (sessions != null) {
      sessions.truncateAll();
    }
    if (media != null) {
      media.stop();
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
