package io.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class WorkflowShellCommandTest {

  @Test
  void shellTakesTheRecorderUrlAndOneCommand() {
    WorkflowShellCommand shell = parse("shell", "--recorder", "http://127.0.0.1:8081", "-c", "Rebuild Fix true true");

    assertThat(shell.recorder).isEqualTo(URI.create("http://127.0.0.1:8081"));
    assertThat(shell.command).isEqualTo("Rebuild Fix true true");
  }

  @Test
  void workflowshellIsTheSameCommandWithoutACommandToRun() {
    WorkflowShellCommand shell = parse("workflowshell", "--recorder", "http://10.0.0.5:8082/");

    assertThat(shell.recorder).isEqualTo(URI.create("http://10.0.0.5:8082/"));
    assertThat(shell.command).isNull();
  }

  @Test
  void shellWithoutARecorderIsRefused() {
    CommandLine line = Tandem.commandLine();
    line.setErr(new java.io.PrintWriter(new java.io.StringWriter()));

    assertThat(line.execute("shell", "-c", "status")).isEqualTo(2);
  }

  private static WorkflowShellCommand parse(String... args) {
    ParseResult result = Tandem.commandLine().parseArgs(args);
    return (WorkflowShellCommand) result.subcommand().commandSpec().userObject();
  }
}
