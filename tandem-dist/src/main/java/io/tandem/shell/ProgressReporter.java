package io.tandem.shell;

import io.tandem.admin.JobFigures;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Shows a running rebuild's progress: a bar redrawn in place on a terminal, or plain lines at a
 * bounded rate otherwise. One reporter serves one rebuild; not thread-safe.
 */
public interface ProgressReporter {
  /** Shows {@code progress}, or nothing if the last showing is recent enough. */
  void show(JobFigures progress);

  /** Leaves the output ready for the next line (the bar is cleared). */
  void end();

  /** Makes a reporter for each rebuild. */
  interface Factory {
    ProgressReporter create(PrintWriter out);
  }

  /** A one-line bar with percentage and counts, redrawn with a carriage return. */
  static Factory terminal() {
    return TerminalProgress::new;
  }

  /** Plain progress lines, the first at once, then at most one per {@code every}. */
  static Factory plain(InstantSource clock, Duration every) {
    return out -> new PlainProgress(out, clock, every);
  }

  /** The counts of {@code progress} as both reporters word them. */
  static String counts(JobFigures progress) {
    String scanned = progress.total() > 0 ? progress.scanned() + " of " + progress.total() : "" + progress.scanned();
    return "scanned " + scanned + ", matched " + progress.matched() + ", added " + progress.added()
        + ", already present " + progress.alreadyPresent();
  }
}
