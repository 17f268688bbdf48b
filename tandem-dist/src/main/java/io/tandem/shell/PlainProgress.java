package io.tandem.shell;

import io.tandem.admin.JobFigures;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** Progress as plain lines for a pipe or a log: the first at once, then at most one per interval. Not thread-safe. */
final class PlainProgress implements ProgressReporter {
  private final PrintWriter out;
  private final InstantSource clock;
  private final Duration every;
  private Instant last;

  PlainProgress(PrintWriter out, InstantSource clock, Duration every) {
    this.out = out;
    this.clock = clock;
    this.every = every;
  }

  @Override
  public void show(JobFigures progress) {
    Instant now = clock.instant();
    if (last != null && now.isBefore(last.plus(every))) {
      return;
    }
    last = now;
    int percent = progress.percent();
    out.println("Rebuild running: " + (percent < 0 ? "" : percent + "%, ") + ProgressReporter.counts(progress));
    out.flush();
  }

  @Override
  public void end() {
    // Each line is already complete.
  }
}
