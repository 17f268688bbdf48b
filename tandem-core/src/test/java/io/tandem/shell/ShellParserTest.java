package io.tandem.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShellParserTest {

  @Test
  void rebuildWithModeOnlyIncludesEveryCallOfTheBuffer() {
    assertThat(rebuild("Rebuild Fix")).isEqualTo(RebuildCommand.all(RebuildMode.FIX));
    assertThat(rebuild("Rebuild Full")).isEqualTo(RebuildCommand.all(RebuildMode.FULL));
  }

  @Test
  void keywordsAndFlagsIgnoreCase() {
    RebuildCommand command = rebuild("rEBUILD fIX TRUE False");
    assertThat(command.mode()).isEqualTo(RebuildMode.FIX);
    assertThat(command.includeMasterCalls()).isTrue();
    assertThat(command.includeSlaveCalls()).isFalse();
    assertThat(ShellParser.parse("HELP rebuild")).isEqualTo(new ShellCommand.HelpRebuild());
    assertThat(ShellParser.parse("StAtUs")).isEqualTo(new ShellCommand.Status());
  }

  @Test
  void wordsMaySeparateByAnyWhitespace() {
    assertThat(rebuild("  Rebuild\tFix   true \t true  ")).isEqualTo(RebuildCommand.all(RebuildMode.FIX));
  }

  @Test
  void lookAlikeLettersAreNotKeywords() {
    assertThatThrownBy(() -> ShellParser.parse("Rebuild F\u0131x")).isInstanceOf(ShellSyntaxException.class)
        .hasMessageStartingWith("expected Full or Fix after Rebuild, got 'F");
  }

  @Test
  void startAndEndTimesKeepTheFractionToTenThousandthsOfASecond() {
    RebuildCommand command = rebuild("Rebuild Fix true false 20261126143000.25 20261126150000.0001");
    assertThat(command.start()).contains(LocalDateTime.of(2026, 11, 26, 14, 30, 0, 250_000_000));
    assertThat(command.end()).contains(LocalDateTime.of(2026, 11, 26, 15, 0, 0, 100_000));
  }

  @Test
  void februaryTwentyNinthExistsInALeapYear() {
    assertThat(rebuild("Rebuild Full true true 20280229235959").start())
        .contains(LocalDateTime.of(2028, 2, 29, 23, 59, 59));
  }

  @Test
  void canonicalTextPrintsFourFractionDigitsOnlyWhenThereIsAFraction() {
    assertThat(rebuild("rebuild fix TRUE false 20261126143000.25 20261126150000").toString())
        .isEqualTo("Rebuild Fix true false 20261126143000.2500 20261126150000");
    assertThat(rebuild("rebuild full").toString()).isEqualTo("Rebuild Full true true");
  }

  @Test
  void helpStatusQuitAndExitAreCommands() {
    assertThat(ShellParser.parse("help")).isEqualTo(new ShellCommand.Help());
    assertThat(ShellParser.parse("help rebuild")).isEqualTo(new ShellCommand.HelpRebuild());
    assertThat(ShellParser.parse("status")).isEqualTo(new ShellCommand.Status());
    assertThat(ShellParser.parse("quit")).isEqualTo(new ShellCommand.Quit());
    assertThat(ShellParser.parse("exit")).isEqualTo(new ShellCommand.Quit());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t  "})
  void blankLineAsksForACommand(String line) {
    refused(line, "expected a command: help, rebuild, status, quit");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rebiuld Fix | expected a command: help, rebuild, status, quit; got 'rebiuld'",
      "Rebuild | expected Full or Fix after Rebuild",
      "Rebuild Fixx | expected Full or Fix after Rebuild, got 'Fixx'",
      "Rebuild Fix yes | expected IncMasterCalls to be true or false, got 'yes'",
      "Rebuild Fix true 1 | expected IncSlaveCalls to be true or false, got '1'",
      "Rebuild Fix true true 20261326000000 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '20261326000000' (month 13 does not exist)",
      "Rebuild Fix true true 20260231000000 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '20260231000000' (day 31 does not exist in February 2026)",
      "Rebuild Fix true true 20270229000000 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '20270229000000' (day 29 does not exist in February 2027)",
      "Rebuild Fix true true 20261100000000 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '20261100000000' (day 0 does not exist in November 2026)",
      "Rebuild Fix true true 20261126240000 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '20261126240000' (hour 24 does not exist)",
      "Rebuild Fix true true 20261126236000 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '20261126236000' (minute 60 does not exist)",
      "Rebuild Fix true true 20261126235960 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '20261126235960' (second 60 does not exist)",
      "Rebuild Fix true true 20261126143000.12345 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '20261126143000.12345' (at most four fraction digits, got 5)",
      "Rebuild Fix true true 20261126143000. | expected StartTime as YYYYMMDDhhmmss[.ffff], got '20261126143000.' (one to four fraction digits after '.')",
      "Rebuild Fix true true 2026112614300 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '2026112614300' (14 digits before the fraction, got 13)",
      "Rebuild Fix true true 2026-11-26T14:30 | expected StartTime as YYYYMMDDhhmmss[.ffff], got '2026-11-26T14:30' (digits only, with one '.' before the fraction)",
      "Rebuild Fix true true 20261126143000 20261126143000 | expected EndTime after StartTime 20261126143000, got '20261126143000'",
      "Rebuild Fix true true 20261126143000.5 20261126143000.4999 | expected EndTime after StartTime 20261126143000.5000, got '20261126143000.4999'",
      "Rebuild Fix true true 20261126143000 20261126153000 now | expected nothing after EndTime, got 'now'",
      "help me | expected nothing or Rebuild after Help, got 'me'",
      "help rebuild now | expected nothing after Help Rebuild, got 'now'",
      "status all | expected nothing after Status, got 'all'",
      "exit now | expected nothing after Exit, got 'now'",
  })
  void malformedLinesAreRefusedWithOneLineSayingWhatWasExpected(String line, String message) {
    refused(line, message);
  }

  @Test
  void endTimeErrorNamesEndTime() {
    refused("Rebuild Fix true true 20261126143000 20261126250000",
        "expected EndTime as YYYYMMDDhhmmss[.ffff], got '20261126250000' (hour 25 does not exist)");
  }

  @Test
  void refusedWordsAreShownOnOneLineAndShortened() {
    String message = message("Rebuild \u0085" + "x".repeat(100));
    assertThat(message).isEqualTo("expected Full or Fix after Rebuild, got '\\u0085" + "x".repeat(39) + "'...");
  }

  @Test
  void recordRefusesAnEndWithoutAStartOrBeforeIt() {
    LocalDateTime noon = LocalDateTime.of(2026, 11, 26, 12, 0);
    assertThatThrownBy(() -> new RebuildCommand(RebuildMode.FIX, true, true, Optional.empty(), Optional.of(noon)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end needs a start");
    assertThatThrownBy(() -> new RebuildCommand(RebuildMode.FIX, true, true, Optional.of(noon), Optional.of(noon)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end must be after start");
    assertThatThrownBy(() -> new RebuildCommand(RebuildMode.FIX, true, true, Optional.of(noon.withNano(1)),
        Optional.empty())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1/10000 s");
  }

  private static RebuildCommand rebuild(String line) {
    ShellCommand command = ShellParser.parse(line);
    assertThat(command).isInstanceOf(ShellCommand.Rebuild.class);
    return ((ShellCommand.Rebuild) command).command();
  }

  private static void refused(String line, String expected) {
    assertThat(message(line)).isEqualTo(expected);
  }

  private static String message(String line) {
    try {
      ShellCommand command = ShellParser.parse(line);
      throw new AssertionError("accepted '" + line + "' as " + command);
    } catch (ShellSyntaxException e) {
      return e.getMessage();
    }
  }
}
