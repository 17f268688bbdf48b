package io.tandem.workflow;

import io.tandem.archive.ArchiveLedger;
import io.tandem.call.CallRecord;
import io.tandem.decoding.MediaDecoding;
import java.util.function.UnaryOperator;
import io.tandem.archive.Archive;
import io.tandem.archive.FilesystemArchive;
import io.tandem.media.MediaFiles;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.database.CallMarker;
import io.tandem.database.Fence;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a recorder's Workflow on two background threads: one marks due PENDING calls into the call
 * database, the other archives marked ones by the archive rules, so that archive copies never delay marking. While active (the recorder is primary) it consolidates
 * every entry; while inactive (secondary) it marks only promoted ones, which a rebuild, reprocess or promotion
 * added, and archives every marked one.
 * Retryable errors back the step off (100 ms doubling to 30 s) and leave entries where they were; fatal
 * errors fail only the entries concerned; the thread logs every error and carries on. Every state change
 * follows its external effect, so a crash at any point is repaired by doing the step again. Thread-safe:
 * {@link #wakeUp}, {@link #setActive} and {@link #counters} may be called from any thread.
 */
public final class Consolidator {
  /** How long an idle thread waits before looking for postponed or retried entries that came due. */
  static final long IDLE_WAIT_MILLIS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(Consolidator.class);

  private final MarkingStep marking;
  private final Workflow workflow;
  private final ConsolidationCounters counters = new ConsolidationCounters();
  private final StepThread markingThread;
  private final StepThread archivingThread;
  private volatile boolean active;
  private boolean started;

  private Consolidator(Builder b) {
    this.workflow = Objects.requireNonNull(b.workflow, "workflow");
    Clock clock = Objects.requireNonNull(b.clock, "clock");
    Path dataDir = Objects.requireNonNull(b.dataDir, "dataDir");
    CallBuffer buffer = Objects.requireNonNull(b.callBuffer, "callBuffer");
    Predicate<Throwable> retryable = Objects.requireNonNull(b.retryable, "retryable");
    ArchiveLedger ledger = Objects.requireNonNull(b.ledger, "ledger");
    // Each step keeps its own cache: a cache serves one thread.
    this.marking = new MarkingStep(workflow, buffer, new MediaCheck(dataDir, b.files), b.decoding, Objects.requireNonNull(b.marker,
        "marker"), Objects.requireNonNull(b.fences, "fences"), retryable, b.listener, counters,
        new RuleCache(ledger, b.ruleCacheTtl, clock), clock, b.markingBatch);
    RuleCache rules = new RuleCache(ledger, b.ruleCacheTtl, clock);
    ArchivingStep archiving = new ArchivingStep(workflow, buffer, dataDir, b.archive, ledger, rules, retryable,
        counters);
    // Archiving takes every marked entry whatever the role: its marking was fenced, and an entry a demoted
    // recorder left ARCHIVING would otherwise wait, and hold its call in the buffer, until it is primary again.
    this.archivingThread = new StepThread("consolidator-archiving", archiving::run, () -> false,
        this::recordRetry, () -> { }, counters, clock);
    // Every marked batch is archiving's work: wake it rather than let it find out at its next idle look.
    // Marking reads the role itself, after the fence, so that a demotion is never missed between the two.
    this.markingThread = new StepThread("consolidator-marking", promotedOnly -> marking.run(() -> !active),
        () -> !active, this::recordRetry, archivingThread::wakeUp, counters, clock);
    workflow.onSubmitted(this::wakeUp);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the consolidation threads, inactive until {@link #setActive} says otherwise. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("the consolidator is already started");
    }
    started = true;
    markingThread.start();
    archivingThread.start();
  }

  /** Stops the threads after the steps in progress and waits for them to end. */
  public synchronized void stop() throws InterruptedException {
    if (!started) {
      return;
    }
    markingThread.stop();
    marking.discardNext();
    archivingThread.stop();
    started = false;
  }

  /**
   * The recorder became primary (true: consolidate everything) or secondary (false: promoted entries only).
   * Becoming active lifts a fencing stop. A recorder that is demoted calls this before it adopts its new
   * epoch, and one that is promoted after: marking reads the fence before this flag, so no batch of
   * non-promoted entries is ever marked under an epoch in which the recorder is secondary.
   */
  public void setActive(boolean primary) {
    if (primary) {
      marking.forgetRefusal();
    }
    active = primary;
    wakeUp();
  }

  public boolean active() {
    return active;
  }

  /** Asks both steps to look at the Workflow now; cheap, and safe to call from any thread. */
  public void wakeUp() {
    markingThread.wakeUp();
    archivingThread.wakeUp();
  }

  public ConsolidationCounters counters() {
    return counters;
  }

  private void recordRetry(RetryLater e, long nextAttemptMillis) {
    try {
      workflow.recordRetry(e.inums(), e.getMessage(), java.time.Instant.ofEpochMilli(nextAttemptMillis));
    } catch (RuntimeException storeFailure) {
      LOG.error("cannot record the retry of {} entries", e.inums().size(), storeFailure);
    }
  }

  /** Collects what a {@link Consolidator} needs; every setter but the optional ones is required. */
  public static final class Builder {
    private Workflow workflow;
    private CallBuffer callBuffer;
    private Path dataDir;
    private CallMarker marker;
    private ArchiveLedger ledger;
    private Supplier<Fence> fences;
    private Predicate<Throwable> retryable;
    private Clock clock = Clock.systemUTC();
    private Archive archive = new FilesystemArchive();
    private ConsolidationListener listener = new ConsolidationListener() {};
    private Duration ruleCacheTtl = Duration.ofSeconds(5);
    private int markingBatch = MarkingStep.DEFAULT_BATCH;
    private UnaryOperator<CallRecord> decoding = UnaryOperator.identity();
    private MediaFiles files = MediaFiles.plain();

    private Builder() {}

    /** Optional; opens the media files to check, plain or sealed. Default: plain files only. */
    public Builder mediaFiles(MediaFiles value) {
      this.files = Objects.requireNonNull(value, "mediaFiles");
      return this;
    }

    /**
     * Optional; decodes what a finished call kept raw before its media is checked and it is marked, and
     * returns the call as it is then. Default: nothing is decoded.
     */
    public Builder decoding(MediaDecoding value) {
      Objects.requireNonNull(value, "decoding");
      this.decoding = value::decodePending;
      return this;
    }

    public Builder workflow(Workflow value) {
      this.workflow = value;
      return this;
    }

    public Builder callBuffer(CallBuffer value) {
      this.callBuffer = value;
      return this;
    }

    /** The recorder's data directory, which the calls' media paths are relative to. */
    public Builder dataDir(Path value) {
      this.dataDir = value;
      return this;
    }

    public Builder marker(CallMarker value) {
      this.marker = value;
      return this;
    }

    public Builder ledger(ArchiveLedger value) {
      this.ledger = value;
      return this;
    }

    /** The fence to mark under, asked before every batch; null while no epoch is known (nothing is marked). */
    public Builder fences(Supplier<Fence> value) {
      this.fences = value;
      return this;
    }

    /** Tells retryable errors (leave entries, back off) from fatal ones (fail the entries concerned). */
    public Builder retryable(Predicate<Throwable> value) {
      this.retryable = value;
      return this;
    }

    /** Optional; default the system clock in UTC. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Optional; default a plain {@link FilesystemArchive}. */
    public Builder archive(Archive value) {
      this.archive = Objects.requireNonNull(value, "archive");
      return this;
    }

    /** Optional; default none. */
    public Builder listener(ConsolidationListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /** Optional; how long archive rules are kept before being read again, default 5 s. */
    public Builder ruleCacheTtl(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("ruleCacheTtl must be >= 0, got " + value);
      }
      this.ruleCacheTtl = value;
      return this;
    }

    /**
     * Optional; the most calls marked in one batch, default 5,000. A backlog is marked in batches this large:
     * the call database writes larger batches faster (a transaction's fixed costs spread over more calls).
     */
    public Builder markingBatch(int value) {
      if (value < 1 || value > 100_000) {
        throw new IllegalArgumentException("markingBatch must be 1..100000, got " + value);
      }
      this.markingBatch = value;
      return this;
    }

    public Consolidator build() {
      return new Consolidator(this);
    }
  }
}
