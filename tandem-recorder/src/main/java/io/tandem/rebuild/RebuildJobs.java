package io.tandem.rebuild;

import io.tandem.admin.JobKind;
import io.tandem.admin.JobView;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.LocalStore;
import io.tandem.workflow.Workflow;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A recorder's rebuild and reprocess jobs: starts each on the {@link JobRunner} (one job at a time, audited)
 * and reports on them. The entry point of the admin API and the WorkflowShell. Thread-safe.
 */
public final class RebuildJobs implements AutoCloseable {
  private final Rebuild rebuild;
  private final Reprocess reprocess;
  private final Promotion promotion;
  private final JobRunner runner;
  private final Clock clock;
  private final ZoneId zone;

  /**
   * {@code catchUp} is the gap audit a promotion runs first; {@code zone} is the recorder's time zone, in which
   * a rebuild's command is written when none is given.
   */
  public RebuildJobs(LocalStore store, CallBuffer buffer, Workflow workflow, GapCatchUp catchUp, AuditTrail audit,
      Clock clock, ZoneId zone) {
    this.rebuild = new Rebuild(store, buffer, workflow);
    this.reprocess = new Reprocess(buffer, workflow);
    this.promotion = new Promotion(rebuild, buffer, workflow, catchUp);
    this.runner = new JobRunner(audit, clock);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /**
   * Starts a Rebuild; {@code command} is the text as typed (the scope's own command when null or blank),
   * {@code actor} who asked. Throws {@link JobConflictException} while another job runs.
   */
  public JobView rebuild(RebuildScope scope, String command, String actor) {
    Objects.requireNonNull(scope, "scope");
    String text = command == null || command.isBlank() ? scope.command(zone) : command.strip();
    Instant now = clock.instant();
    return runner.start(JobKind.REBUILD, scope.label(), text, actor(actor),
        progress -> rebuild.run(scope, now, progress));
  }

  /**
   * Finishes the Rebuild Full a stop or a crash cut, if there is one (see {@link Rebuild}), as a job of its own by
   * {@code actor}; the recorder starts it as it starts. Empty when there is none.
   */
  public Optional<JobView> finishCutFull(String actor) {
    return rebuild.cutFull().map(cut -> runner.start(JobKind.REBUILD, "Rebuild Full",
        cut.command() + " (finishing the run a stop cut)", actor(actor),
        progress -> rebuild.finishFull(cut, progress)));
  }

  /** Starts a reprocess of {@code [from, to)}. Throws {@link JobConflictException} while another job runs. */
  public JobView reprocess(Instant from, Instant to, String actor) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("the start time " + from + " must be before the end time " + to);
    }
    return runner.start(JobKind.REPROCESS, "Reprocess", "Reprocess " + from + " " + to, from, to, actor(actor),
        progress -> reprocess.run(from, to, progress));
  }

  /**
   * Starts the promotion of the window {@code [from, to)} that the RRC orders at failover: the gap audit's
   * catching up with the calls before the window, then a Fix of every call live at some moment of the window
   * (including those that started before it), ending when the finished ones are consolidated. {@code current}
   * is asked while the job waits, and the job fails once it answers false (the epoch it was ordered at is
   * gone). Throws {@link JobConflictException} while another job runs.
   */
  public JobView promote(Instant from, Instant to, BooleanSupplier current, String actor) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(current, "current");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("the start time " + from + " must be before the end time " + to);
    }
    // It also fixes calls live in the window that began before it: no lower bound.
    return runner.start(JobKind.PROMOTION, "Promotion", "Promote " + from + " " + to, null, to, actor(actor),
        progress -> promotion.run(from, to, current, progress));
  }

  public Optional<JobView> job(String id) {
    return runner.job(id);
  }

  /** The last jobs, newest first. */
  public List<JobView> recent() {
    return runner.recent();
  }

  /** Stops a running job (it fails; see {@link JobRunner#close}). */
  @Override
  public void close() {
    runner.close();
  }

  private static String actor(String actor) {
    return actor == null || actor.isBlank() ? "unknown" : actor.strip();
  }
}
