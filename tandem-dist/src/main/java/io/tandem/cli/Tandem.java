package io.tandem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tandem} command line: one subcommand per process kind of the stack. */
@Command(name = "tandem", mixinStandardHelpOptions = true, version = "Tandem 0.1.0",
    description = "Records every call twice, on a Main and a Backup recorder, and never loses or duplicates one.",
    subcommands = {UpCommand.class, ManagerCommand.class, RecorderCommand.class, SimulateCommand.class,
        WorkflowShellCommand.class, AuditCommand.class, RoutesCommand.class})
public final class Tandem {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Tandem());
    line.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("tandem " + cmd.getCommandName() + ": " + Failures.describe(e));
      return 2;
    });
    return line;
  }
}
