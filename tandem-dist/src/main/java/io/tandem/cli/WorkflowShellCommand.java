package io.tandem.cli;

import io.tandem.shell.InteractiveShell;
import io.tandem.shell.ProgressReporter;
import io.tandem.admin.RecorderClient;
import io.tandem.shell.ShellSession;
import io.tandem.tls.TlsTrust;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem shell}: WorkflowShell against one recorder's admin API, on a terminal, from a pipe, or one command. */
@Command(name = "shell", aliases = "workflowshell", mixinStandardHelpOptions = true,
    description = {"WorkflowShell: help, status and Rebuild (Full|Fix) on one recorder; type 'help rebuild'.",
        "On a terminal it prompts, with line editing and history.",
        "From a pipe it runs every line, and exits non-zero if any failed.",
        "With -c it runs one command, waits for a rebuild to end, and exits 0 only on success."})
final class WorkflowShellCommand implements Callable<Integer> {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POLL_EVERY = Duration.ofMillis(200);
  private static final Duration PLAIN_PROGRESS_EVERY = Duration.ofSeconds(5);

  @Option(names = "--recorder", required = true, paramLabel = "URL",
      description = "the recorder's admin API, e.g. https://127.0.0.1:8081")
  URI recorder;

  @Option(names = "--ca", paramLabel = "FILE", defaultValue = "${env:TANDEM_CA}",
      description = "PEM file of the CA or certificate an https recorder is trusted by (default: $TANDEM_CA, else "
          + "the JDK's authorities)")
  Path ca;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:TANDEM_TOKEN}",
      description = "the API token (operator or admin) the recorder is called with (default: $TANDEM_TOKEN)")
  String token;

  @Option(names = {"-c", "--command"}, paramLabel = "COMMAND", description = "run this one command and exit")
  String command;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    RecorderClient client = RecorderClient.of(recorder, REQUEST_TIMEOUT,
        ca == null ? null : TlsTrust.of(ca, "--ca"), token == null || token.isBlank() ? null : token.strip());
    // Standard output only: a bar must not be drawn into a file just because stderr is a terminal.
    try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true)
        .systemOutput(TerminalBuilder.SystemOutput.SysOut).build()) {
      boolean onTerminal = !terminal.getType().startsWith(Terminal.TYPE_DUMB);
      ProgressReporter.Factory progress = onTerminal ? ProgressReporter.terminal()
          : ProgressReporter.plain(Clock.systemUTC(), PLAIN_PROGRESS_EVERY);
      ShellSession session = new ShellSession(client, out, err, progress, POLL_EVERY, actor());
      if (command != null) {
        return session.run(command) == ShellSession.Outcome.FAILED ? 1 : 0;
      }
      if (!onTerminal) {
        return session.runAll(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
      }
      InteractiveShell.run(terminal, session, Path.of(System.getProperty("user.home"), ".tandem_shell_history"));
      return 0;
    }
  }

  private static String actor() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return System.getProperty("user.name") + "@" + host;
  }
}
