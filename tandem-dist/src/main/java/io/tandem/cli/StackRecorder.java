package io.tandem.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The entry point of a recorder that {@code tandem up} runs as its child: {@code CONFIG PARENT_PID}, which the stack
 * itself writes, so no command-line parser is built for them (a good part of a recorder's start). Runs exactly what
 * {@code tandem recorder --config CONFIG --exit-with-parent PARENT_PID} runs.
 */
public final class StackRecorder {
  private StackRecorder() {}

  public static void main(String[] args) {
    System.exit(run(args, System.err));
  }

  /** Runs the recorder until it stops; the exit status: 0 when it stopped, 2 with one line on {@code err} if not. */
  static int run(String[] args, PrintStream err) {
    if (args.length != 2 || !args[1].matches("[0-9]{1,19}")) {
      err.println("tandem recorder: expected CONFIG PARENT_PID (as 'tandem up' starts its recorders), got "
          + args.length + " argument(s)");
      return 2;
    }
    RecorderCommand command = new RecorderCommand();
    command.config = Path.of(args[0]);
    command.parentPid = Long.parseLong(args[1]);
    try {
      return command.call();
    } catch (Exception e) {
      err.println("tandem recorder: " + Failures.describe(e));
      return 2;
    }
  }
}
