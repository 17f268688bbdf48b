package io.tandem.shell;

import io.tandem.admin.RecorderClient;
import io.tandem.admin.RecorderException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * WorkflowShell against one recorder, without a terminal: runs command lines one by one, normal output
 * to {@code out}, each failure as one line to {@code err}. A malformed line is refused here and nothing is
 * sent. Not thread-safe: one session serves one user.
 */
public final class ShellSession {
  /** How a line ended: it worked, it failed (the reason is on err), or it asked to leave. */
  public enum Outcome { OK, FAILED, QUIT }

  private final RecorderClient recorder;
  private final PrintWriter out;
  private final PrintWriter err;
  private final ProgressReporter.Factory progress;
  private final Duration pollEvery;
  private final String actor;

  /**
   * @param progress how rebuild progress is shown
   * @param pollEvery pause between two looks at a running rebuild job
   * @param actor who runs the commands, {@code user@host}, as the recorder records it
   */
  public ShellSession(RecorderClient recorder, PrintWriter out, PrintWriter err, ProgressReporter.Factory progress,
      Duration pollEvery, String actor) {
    this.recorder = recorder;
    this.out = out;
    this.err = err;
    this.progress = progress;
    this.pollEvery = pollEvery;
    this.actor = actor;
  }

  /** Runs one command line. */
  public Outcome run(String line) {
    try {
      return run(line, ShellParser.parse(line));
    } catch (ShellSyntaxException | RecorderException e) {
      return failed(e.getMessage());
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Runs every line of {@code lines} in turn until the end or a quit; exit status 0 only if none failed. */
  public int runAll(BufferedReader lines) {
    boolean failed = false;
    try {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        Outcome outcome = run(line);
        failed |= outcome == Outcome.FAILED;
        if (outcome == Outcome.QUIT) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read commands", e);
    }
    return failed ? 1 : 0;
  }

  /** The prompt, {@code WorkflowShell <serial>> }; without the serial when the recorder cannot say it. */
  public String prompt() {
    try {
      return "WorkflowShell " + recorder.status().serial() + "> ";
    } catch (RecorderException e) {
      failed(e.getMessage());
      return "WorkflowShell> ";
    }
  }

  private Outcome run(String line, ShellCommand command) {
    switch (command) {
      case ShellCommand.Help help -> out.println(HelpText.commands());
      case ShellCommand.HelpRebuild help -> out.println(HelpText.rebuild(timeZone()));
      case ShellCommand.Status status -> out.println(StatusReport.of(recorder.status()));
      case ShellCommand.Quit quit -> {
        return Outcome.QUIT;
      }
      case ShellCommand.Rebuild rebuild -> {
        RebuildRun run = new RebuildRun(recorder, progress.create(out), pollEvery);
        return run.run(line.strip(), actor, out, err) ? Outcome.OK : Outcome.FAILED;
      }
    }
    return Outcome.OK;
  }

  private String timeZone() {
    try {
      return recorder.status().timeZone();
    } catch (RecorderException e) {
      return "unknown, as the recorder did not answer (" + e.getMessage() + ")";
    }
  }

  private Outcome failed(String message) {
    err.println(message);
    err.flush();
    return Outcome.FAILED;
  }
}
