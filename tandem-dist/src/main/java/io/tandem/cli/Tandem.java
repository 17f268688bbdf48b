package io.tandem.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tandem} command line: one subcommand per process kind of the stack. */
@Command(name = "tandem", mixinStandardHelpOptions = true, version = "Tandem 0.1.0",
    description = "Records every call twice, on a Main and a Backup recorder, and never loses or duplicates one.")
public final class Tandem {
  /** Every subcommand by its name (its aliases are its own to declare), in the order the help lists them. */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("up", UpCommand::new);
    SUBCOMMANDS.put("manager", ManagerCommand::new);
    SUBCOMMANDS.put("recorder", RecorderCommand::new);
    SUBCOMMANDS.put("simulate", SimulateCommand::new);
    SUBCOMMANDS.put("shell", WorkflowShellCommand::new);
    SUBCOMMANDS.put("audit", AuditCommand::new);
    SUBCOMMANDS.put("routes", RoutesCommand::new);
  }

  public static void main(String[] args) {
    System.exit(commandLine(args.length > 0 ? args[0] : null).execute(args));
  }

  /** The whole command line, every subcommand in it. */
  static CommandLine commandLine() {
    return commandLine(null);
  }

  /**
   * The command line for a run whose first argument is {@code first}: when that names a subcommand, only that one is
   * built, since building the model of every subcommand by reflection is a good part of a process's start; else all.
   */
  static CommandLine commandLine(String first) {
    CommandLine line = new CommandLine(new Tandem());
    // "workflowshell" is the alias WorkflowShellCommand declares for "shell".
    Supplier<Object> only = first == null ? null : SUBCOMMANDS.get(first.equals("workflowshell") ? "shell" : first);
    if (only != null) {
      line.addSubcommand(only.get());
    } else {
      SUBCOMMANDS.values().forEach(subcommand -> line.addSubcommand(subcommand.get()));
    }
    line.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("tandem " + cmd.getCommandName() + ": " + Failures.describe(e));
      return 2;
    });
    return line;
  }
}
