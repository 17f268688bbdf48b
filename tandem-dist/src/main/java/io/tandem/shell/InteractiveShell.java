package io.tandem.shell;

import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * WorkflowShell on a terminal: a prompt with line editing and a history kept in a file, each line run
 * by a {@link ShellSession} until quit, exit or end of input. Blocks the calling thread.
 */
public final class InteractiveShell {
  private InteractiveShell() {}

  /** Runs lines typed on {@code terminal} until the user leaves; the history is kept in {@code historyFile}. */
  public static void run(Terminal terminal, ShellSession session, Path historyFile) {
    LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("WorkflowShell")
        .variable(LineReader.HISTORY_FILE, historyFile).build();
    String prompt = session.prompt();
    try {
      while (true) {
        String line;
        try {
          line = reader.readLine(prompt);
        } catch (UserInterruptException e) {
          // Ctrl-C drops the line being typed, as in any shell.
          continue;
        } catch (EndOfFileException e) {
          return;
        }
        if (session.run(line) == ShellSession.Outcome.QUIT) {
          return;
        }
      }
    } finally {
      saveHistory(reader, terminal);
    }
  }

  private static void saveHistory(LineReader reader, Terminal terminal) {
    try {
      reader.getHistory().save();
    } catch (java.io.IOException e) {
      terminal.writer().println("history not saved: " + e.getMessage());
    }
  }
}
