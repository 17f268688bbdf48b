package io.tandem.rebuild;

import io.tandem.admin.JobKind;
import io.tandem.admin.JobView;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a recorder's rebuild and reprocess jobs one at a time on a thread of its own: a job asked for while
 * another runs is refused with {@link JobConflictException}. Keeps the last {@link #KEPT} jobs in memory,
 * and hands each ended job to the audit trail. A job's end is published and the runner freed in one step,
 * so a client that sees a job ended may start the next at once. Thread-safe.
 */
public final class JobRunner implements AutoCloseable {
  static final int KEPT = 50;
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  /** The work of a job; it updates the progress, and throws to fail the job. */
  @FunctionalInterface
  public interface Work {
    void run(JobProgress progress) throws Exception;
  }

  private final AuditTrail audit;
  private final Clock clock;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(
      Thread.ofPlatform().name("rebuild").daemon().factory());
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private Job running;

  public JobRunner(AuditTrail audit, Clock clock) {
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Starts a job and returns its view at once. {@code label} names it in the summary ("Rebuild Fix"),
   * {@code command} is what was asked for, {@code actor} who asked. It may mark calls of any start.
   */
  public JobView start(JobKind kind, String label, String command, String actor, Work work) {
    return start(kind, label, command, null, null, actor, work);
  }

  /**
   * As above, for a job that marks only calls that start in {@code [callsFrom, callsTo)}, each bound null when it has
   * none; its view says so, for the Manager's retention of months.
   */
  public synchronized JobView start(JobKind kind, String label, String command, Instant callsFrom, Instant callsTo,
      String actor, Work work) {
    if (running != null) {
      throw new JobConflictException("a " + running.kind.name().toLowerCase(Locale.ROOT)
          + " is already running: " + running.id + " " + running.command);
    }
    Job job = new Job(UUID.randomUUID().toString(), kind, label, command, actor, clock.instant(), callsFrom, callsTo);
    try {
      thread.execute(() -> run(job, work));
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("the recorder is stopping; no new job starts", e);
    }
    keep(job);
    running = job;
    LOG.info("job {} started by {}: {}", job.id, actor, command);
    return job.view();
  }

  public synchronized Optional<JobView> job(String id) {
    return Optional.ofNullable(jobs.get(id)).map(Job::view);
  }

  /** The jobs kept, newest first. */
  public synchronized List<JobView> recent() {
    List<JobView> views = new ArrayList<>(jobs.size());
    jobs.values().forEach(job -> views.add(job.view()));
    return views.reversed();
  }

  /** Interrupts a running job (it fails, and its work rolls back or is redone by a rerun) and waits for it. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("a job did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(Job job, Work work) {
    // Whatever escapes the work, the job ends and the runner is freed.
    String error = "the job stopped unexpectedly";
    try {
      work.run(job.progress);
      error = null;
    } catch (Exception e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
      LOG.error("job {} failed: {}", job.id, job.command, e);
    } finally {
      finish(job, error);
    }
  }

  private void finish(Job job, String error) {
    synchronized (this) {
      if (error == null) {
        job.succeed(clock.instant());
      } else {
        job.fail(clock.instant(), error);
      }
      running = null;
    }
    if (error == null) {
      LOG.info("job {}: {}", job.id, job.result());
    }
    audit.record(job.actor, job.kind.name().toLowerCase(Locale.ROOT), job.command, job.result());
  }

  private void keep(Job job) {
    jobs.put(job.id, job);
    if (jobs.size() > KEPT) {
      jobs.entrySet().stream().filter(entry -> !entry.getValue().running()).findFirst()
          .ifPresent(entry -> jobs.remove(entry.getKey()));
    }
  }
}
