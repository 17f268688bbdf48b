package io.tandem.shell;

import io.tandem.admin.JobFigures;
import java.io.PrintWriter;

/** A progress bar on one terminal line, redrawn in place with a carriage return. Not thread-safe. */
final class TerminalProgress implements ProgressReporter {
  private static final int BAR_CELLS = 30;
  private final PrintWriter out;
  private int drawn;

  TerminalProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void show(JobFigures progress) {
    String line = render(progress);
    // Pad over the previous drawing, which may have been longer.
    out.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
    out.flush();
    drawn = line.length();
  }

  @Override
  public void end() {
    if (drawn > 0) {
      out.print("\r" + " ".repeat(drawn) + "\r");
      out.flush();
      drawn = 0;
    }
  }

  static String render(JobFigures progress) {
    int percent = progress.percent();
    if (percent < 0) {
      return "Rebuild running: " + ProgressReporter.counts(progress);
    }
    int filled = percent * BAR_CELLS / 100;
    return "[" + "#".repeat(filled) + "-".repeat(BAR_CELLS - filled) + "] " + String.format(java.util.Locale.ROOT, "%3d%%", percent)
        + "  " + ProgressReporter.counts(progress);
  }
}
