package io.tandem.shell;

import io.tandem.admin.RecorderClient;
import io.tandem.admin.RecorderException;
import io.tandem.admin.JobView;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Runs one rebuild at a recorder: sends the command, follows the job until it ends while showing
 * its progress, and prints its summary line. Blocks the calling thread; one run per instance.
 */
final class RebuildRun {
  private final RecorderClient recorder;
  private final ProgressReporter progress;
  private final Duration pollEvery;

  RebuildRun(RecorderClient recorder, ProgressReporter progress, Duration pollEvery) {
    this.recorder = recorder;
    this.progress = progress;
    this.pollEvery = pollEvery;
  }

  /** Whether the rebuild ended DONE; the summary goes to {@code out}, a failure as one line to {@code err}. */
  boolean run(String command, String actor, PrintWriter out, PrintWriter err) {
    JobView job;
    try {
      job = recorder.rebuild(command, actor);
    } catch (RecorderException e) {
      err.println(e.getMessage());
      return false;
    }
    try {
      job = follow(job);
    } catch (RecorderException | InterruptedException e) {
      progress.end();
      err.println("lost track of rebuild job " + job.id() + ", which may still be running: " + e.getMessage());
      return false;
    }
    progress.end();
    if (job.done()) {
      out.println(job.summary() != null ? job.summary() : "Rebuild done: "
          + ProgressReporter.counts(job.figures()));
      return true;
    }
    err.println("rebuild job " + job.id() + " " + job.state() + ": "
        + (job.error() != null ? job.error() : "the recorder gave no reason"));
    return false;
  }

  private JobView follow(JobView started) throws InterruptedException {
    JobView job = started;
    while (!job.ended()) {
      if (job.progress() != null) {
        progress.show(job.progress());
      }
      if (!pollEvery.isZero()) {
        Thread.sleep(pollEvery);
      }
      job = recorder.job(started.id()).orElseThrow(() -> new RecorderException("the recorder at " + recorder.url()
          + " no longer knows job " + started.id() + " (it restarted)", 404, null));
    }
    return job;
  }
}
