package io.tandem.shell;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The WorkflowShell grammar: {@code help}, {@code help rebuild}, {@code status}, {@code quit} or
 * {@code exit}, and {@code Rebuild (Full|Fix) [IncMasterCalls [IncSlaveCalls [StartTime [EndTime]]]]}.
 * Keywords and flags ignore ASCII case; words are separated by whitespace. Stateless and thread-safe:
 * the same text always gives the same command, and a {@link ShellSyntaxException} is the only failure.
 */
public final class ShellParser {
  static final String EXPECTED_COMMAND = "expected a command: help, rebuild, status, quit";
  private static final String[] REBUILD_ARGUMENTS = {"IncMasterCalls", "IncSlaveCalls", "StartTime", "EndTime"};

  private ShellParser() {}

  /** The command {@code line} says; a {@link ShellSyntaxException} with one line saying what was expected otherwise. */
  public static ShellCommand parse(String line) {
    List<String> words = words(line == null ? "" : line);
    if (words.isEmpty()) {
      throw new ShellSyntaxException(EXPECTED_COMMAND);
    }
    String first = words.get(0);
    if (Words.is(first, "rebuild")) {
      return new ShellCommand.Rebuild(rebuild(words));
    }
    if (Words.is(first, "help")) {
      return help(words);
    }
    if (Words.is(first, "status")) {
      nothingAfter(words, 1, "Status");
      return new ShellCommand.Status();
    }
    if (Words.is(first, "quit") || Words.is(first, "exit")) {
      nothingAfter(words, 1, Words.is(first, "quit") ? "Quit" : "Exit");
      return new ShellCommand.Quit();
    }
    throw new ShellSyntaxException(EXPECTED_COMMAND + "; got " + Words.quote(first));
  }

  private static ShellCommand help(List<String> words) {
    if (words.size() == 1) {
      return new ShellCommand.Help();
    }
    if (!Words.is(words.get(1), "rebuild")) {
      throw new ShellSyntaxException("expected nothing or Rebuild after Help, got " + Words.quote(words.get(1)));
    }
    nothingAfter(words, 2, "Help Rebuild");
    return new ShellCommand.HelpRebuild();
  }

  private static RebuildCommand rebuild(List<String> words) {
    if (words.size() < 2) {
      throw new ShellSyntaxException("expected Full or Fix after Rebuild");
    }
    RebuildMode mode = mode(words.get(1));
    boolean master = words.size() <= 2 || flag(words.get(2), REBUILD_ARGUMENTS[0]);
    boolean slave = words.size() <= 3 || flag(words.get(3), REBUILD_ARGUMENTS[1]);
    Optional<LocalDateTime> start = words.size() <= 4 ? Optional.empty()
        : Optional.of(CommandTime.parse(words.get(4), REBUILD_ARGUMENTS[2]));
    Optional<LocalDateTime> end = words.size() <= 5 ? Optional.empty()
        : Optional.of(CommandTime.parse(words.get(5), REBUILD_ARGUMENTS[3]));
    if (end.isPresent() && !end.get().isAfter(start.orElseThrow())) {
      throw new ShellSyntaxException("expected EndTime after StartTime " + CommandTime.format(start.get())
          + ", got " + Words.quote(words.get(5)));
    }
    nothingAfter(words, 2 + REBUILD_ARGUMENTS.length, REBUILD_ARGUMENTS[REBUILD_ARGUMENTS.length - 1]);
    return new RebuildCommand(mode, master, slave, start, end);
  }

  private static RebuildMode mode(String word) {
    for (RebuildMode mode : RebuildMode.values()) {
      if (Words.is(word, mode.word())) {
        return mode;
      }
    }
    throw new ShellSyntaxException("expected Full or Fix after Rebuild, got " + Words.quote(word));
  }

  private static boolean flag(String word, String argument) {
    if (Words.is(word, "true")) {
      return true;
    }
    if (Words.is(word, "false")) {
      return false;
    }
    throw new ShellSyntaxException("expected " + argument + " to be true or false, got " + Words.quote(word));
  }

  private static void nothingAfter(List<String> words, int count, String last) {
    if (words.size() > count) {
      throw new ShellSyntaxException("expected nothing after " + last + ", got " + Words.quote(words.get(count)));
    }
  }

  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      int begin = i;
      while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i > begin) {
        words.add(line.substring(begin, i));
      }
    }
    return words;
  }
}
