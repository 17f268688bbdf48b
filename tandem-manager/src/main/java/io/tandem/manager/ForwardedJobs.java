package io.tandem.manager;

import io.tandem.admin.JobFigures;
import io.tandem.admin.JobKind;
import io.tandem.admin.JobState;
import io.tandem.admin.JobView;
import io.tandem.admin.RecorderClient;
import io.tandem.admin.RecorderClients;
import io.tandem.admin.RecorderException;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import io.tandem.manager.JobRefusedException.Reason;
import io.tandem.redundancy.HealthProbe;
import io.tandem.shell.ShellCommand;
import io.tandem.shell.ShellParser;
import io.tandem.shell.ShellSyntaxException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reprocesses of call date ranges and WorkflowShell Rebuilds on behalf of the Recorder Manager: forwards each
 * request to the recorder's admin API, where it runs as a recorder job, and reads the job's state through from the recorder on every
 * look-up. Keeps its ids of the last {@link #KEPT} jobs in memory, each with the last state seen, so a job
 * that ended stays known after its recorder restarts. Tells retention whether a job running on any recorder may mark
 * the calls of a month ({@link #pendingMarking}). Thread-safe.
 */
public final class ForwardedJobs {
  static final int KEPT = 1000;

  /** A job forwarded to a recorder, with the last view of it read through. */
  private static final class Forwarded {
    final JobKind kind;
    final String serial;
    final String recorderJobId;
    volatile ForwardedJobView lastSeen;

    Forwarded(JobKind kind, String serial, String recorderJobId) {
      this.kind = kind;
      this.serial = serial;
      this.recorderJobId = recorderJobId;
    }
  }

  private final HealthProbe.RecorderDirectory directory;
  private final RecorderClients clients;
  private final Map<String, Forwarded> forwarded = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Forwarded> eldest) {
      return size() > KEPT;
    }
  };

  public ForwardedJobs(HealthProbe.RecorderDirectory directory, RecorderClients clients) {
    this.directory = directory;
    this.clients = clients;
  }

  /** Starts a reprocess of {@code [from, to)} on the recorder with this serial; returns the Manager's job id. */
  public String start(String serial, Instant from, Instant to, String actor) throws SQLException {
    RecorderView recorder = recorder(serial);
    JobView job;
    try {
      job = clients.of(recorder.adminUrl()).reprocess(from, to, actor);
    } catch (RecorderException e) {
      throw refusal(recorder, e);
    }
    return remember(JobKind.REPROCESS, recorder, job);
  }

  /**
   * Why the calls that start in {@code [from, to]} may still be marked, or empty when no recorder job may mark them:
   * every registered recorder is asked for its jobs, and one running a job that may mark such calls (a reprocess of
   * a range that meets it, a Rebuild, whose calls may start in any month, a promotion) holds them, however the job
   * was started (through any Manager, or on the recorder's own admin API). A recorder that cannot be asked now holds
   * them too: it may be running one.
   */
  public Optional<String> pendingMarking(Instant from, Instant to) throws SQLException {
    for (PairView pair : directory.pairs()) {
      for (RecorderView recorder : pair.recorders()) {
        List<JobView> jobs;
        try {
          jobs = clients.of(recorder.adminUrl()).jobs();
        } catch (RecorderException e) {
          return Optional.of("recorder " + recorder.serial() + " cannot be asked whether a job of it may mark calls "
              + "of these months (" + e.getMessage() + ")");
        }
        for (JobView job : jobs) {
          if (job.mayMarkCallsStarting(from, to)) {
            return Optional.of(job.kind().name().toLowerCase(Locale.ROOT) + " " + job.id() + " of recorder "
                + recorder.serial() + " (" + job.command() + ") is running and may mark calls of these months");
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts a WorkflowShell Rebuild on the recorder with this serial, {@code command} being the text as the shell
   * takes it and checked by the same grammar; returns the Manager's job id.
   */
  public String startRebuild(String serial, String command, String actor) throws SQLException {
    ShellCommand parsed;
    try {
      parsed = ShellParser.parse(command);
    } catch (ShellSyntaxException e) {
      throw new JobRefusedException(Reason.MALFORMED_COMMAND, "'command': " + e.getMessage());
    }
    if (!(parsed instanceof ShellCommand.Rebuild)) {
      throw new JobRefusedException(Reason.MALFORMED_COMMAND,
          "'command' must be a WorkflowShell Rebuild, such as \"Rebuild Fix\", got '" + command.strip() + "'");
    }
    RecorderView recorder = recorder(serial);
    JobView job;
    try {
      job = clients.of(recorder.adminUrl()).rebuild(command.strip(), actor);
    } catch (RecorderException e) {
      throw refusal(recorder, e);
    }
    return remember(JobKind.REBUILD, recorder, job);
  }

  private String remember(JobKind kind, RecorderView recorder, JobView job) {
    if (job.id() == null || job.id().isEmpty()) {
      throw new JobRefusedException(Reason.RECORDER_FAULT, "recorder " + recorder.serial()
          + " accepted the job without a job id");
    }
    String id = UUID.randomUUID().toString();
    synchronized (this) {
      forwarded.put(id, new Forwarded(kind, recorder.serial(), job.id()));
    }
    return id;
  }

  /** The job as its recorder reports it now; empty for an id this Manager does not know. */
  public Optional<ForwardedJobView> job(String id) throws SQLException {
    Forwarded job;
    synchronized (this) {
      job = forwarded.get(id);
    }
    if (job == null) {
      return Optional.empty();
    }
    ForwardedJobView seen = readThrough(id, job);
    job.lastSeen = seen;
    return Optional.of(seen);
  }

  private ForwardedJobView readThrough(String id, Forwarded job) throws SQLException {
    ForwardedJobView previous = job.lastSeen;
    // A job that ended stays as it ended, whatever happens to its recorder since.
    if (previous != null && previous.state() != JobState.RUNNING) {
      return previous;
    }
    RecorderView recorder = recorder(job.serial);
    Optional<JobView> view;
    try {
      view = clients.of(recorder.adminUrl()).job(job.recorderJobId);
    } catch (RecorderException e) {
      throw refusal(recorder, e);
    }
    if (view.isEmpty()) {
      return new ForwardedJobView(id, job.kind, job.serial, JobState.FAILED, previous == null ? JobFigures.NONE
          : previous.progress(), null, "recorder " + job.serial + " no longer knows job " + job.recorderJobId
          + " (it restarted before the job ended); " + (job.kind == JobKind.REBUILD
          ? "running the Rebuild again is safe" : "reprocessing the range again is safe"));
    }
    JobView current = view.get();
    return new ForwardedJobView(id, job.kind, job.serial, current.state(), current.figures(), current.summary(),
        current.error());
  }

  private RecorderView recorder(String serial) throws SQLException {
    return registered(serial).orElseThrow(() -> new JobRefusedException(Reason.NO_SUCH_RECORDER,
        "no recorder with serial " + serial + " is registered"));
  }

  private Optional<RecorderView> registered(String serial) throws SQLException {
    for (PairView pair : directory.pairs()) {
      for (RecorderView recorder : pair.recorders()) {
        if (recorder.serial().equals(serial)) {
          return Optional.of(recorder);
        }
      }
    }
    return Optional.empty();
  }

  /** The recorder's refusals of the request are the client's to see; anything else is the recorder's fault. */
  private static JobRefusedException refusal(RecorderView recorder, RecorderException e) {
    if (e.unreachable()) {
      return new JobRefusedException(Reason.RECORDER_UNREACHABLE, "recorder " + recorder.serial() + " at "
          + recorder.adminUrl() + " is unreachable: " + e.getMessage());
    }
    return switch (e.status()) {
      case 400 -> new JobRefusedException(Reason.RECORDER_REFUSED, e.getMessage());
      case 409 -> new JobRefusedException(Reason.RECORDER_BUSY, e.getMessage());
      default -> new JobRefusedException(Reason.RECORDER_FAULT, "recorder " + recorder.serial() + " answered "
          + e.status() + ": " + e.getMessage());
    };
  }
}
