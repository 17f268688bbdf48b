package io.tandem.shell;

import java.util.Objects;

/**
 * One parsed WorkflowShell command. Immutable; {@code toString()} prints the canonical command text,
 * which {@link ShellParser#parse} turns back into an equal command.
 */
public sealed interface ShellCommand {

  /** {@code Rebuild (Full|Fix) ...}: rebuild the recorder's Workflow from its call buffer. */
  record Rebuild(RebuildCommand command) implements ShellCommand {
    public Rebuild {
      Objects.requireNonNull(command, "command");
    }

    @Override
    public String toString() {
      return command.toString();
    }
  }

  /** {@code help}: the list of commands. */
  record Help() implements ShellCommand {
    @Override
    public String toString() {
      return "Help";
    }
  }

  /** {@code help rebuild}: the syntax, arguments, defaults and effects of Rebuild. */
  record HelpRebuild() implements ShellCommand {
    @Override
    public String toString() {
      return "Help Rebuild";
    }
  }

  /** {@code status}: the recorder's role, epoch, call buffer and Workflow. */
  record Status() implements ShellCommand {
    @Override
    public String toString() {
      return "Status";
    }
  }

  /** {@code quit} or {@code exit}: ends the shell. */
  record Quit() implements ShellCommand {
    @Override
    public String toString() {
      return "Quit";
    }
  }
}
