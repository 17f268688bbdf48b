package io.tandem.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ShellParserPropertiesTest {
  private static final List<String> WORDS = List.of("rebuild", "REBUILD", "Fix", "full", "fixx", "help", "status",
      "quit", "exit", "true", "FALSE", "yes", "20261126143000", "20261126143000.2500", "20261326000000",
      "20260231000000", "20261126150000.12345", "20261126150000", ".", "", " ", "\t", "\n", "\u0085", "\u00a0");

  @Property(tries = 2000)
  void anyStringGivesACommandOrASyntaxError(@ForAll String line) {
    assertThat(outcome(line)).isNotNull();
  }

  @Property(tries = 2000)
  void anyMixOfGrammarWordsGivesACommandOrAOneLineSyntaxError(@ForAll("wordSalad") String line) {
    assertThat(outcome(line)).isNotNull();
  }

  @Property(tries = 2000)
  void everyAcceptedCommandPrintsBackToTextThatParsesToAnEqualCommand(@ForAll("wordSalad") String line) {
    outcome(line).ifPresent(command -> assertThat(ShellParser.parse(command.toString())).isEqualTo(command));
  }

  @Property(tries = 1000)
  void generatedValidRebuildsParseToTheCommandTheyWereWrittenFrom(@ForAll("rebuilds") RebuildCommand command) {
    assertThat(ShellParser.parse(command.toString())).isEqualTo(new ShellCommand.Rebuild(command));
  }

  @Property(tries = 1000)
  void generatedValidRebuildsParseWhateverTheCaseAndSpacing(@ForAll("rebuilds") RebuildCommand command,
      @ForAll("spacing") String spacing, @ForAll boolean upper) {
    String text = command.toString().replace(" ", spacing);
    text = upper ? text.toUpperCase(java.util.Locale.ROOT) : text.toLowerCase(java.util.Locale.ROOT);
    assertThat(ShellParser.parse(text)).isEqualTo(new ShellCommand.Rebuild(command));
  }

  @Provide
  Arbitrary<String> wordSalad() {
    return Arbitraries.of(WORDS).list().ofMaxSize(8).map(words -> String.join(" ", words));
  }

  @Provide
  Arbitrary<String> spacing() {
    return Arbitraries.of(" ", "  ", "\t", " \t ");
  }

  @Provide
  Arbitrary<RebuildCommand> rebuilds() {
    Arbitrary<LocalDateTime> times = Combinators.combine(
        Arbitraries.integers().between(0, 9999), Arbitraries.integers().between(1, 12),
        Arbitraries.integers().between(1, 31), Arbitraries.integers().between(0, 23),
        Arbitraries.integers().between(0, 59), Arbitraries.integers().between(0, 59),
        Arbitraries.integers().between(0, 9999))
        .as((year, month, day, hour, minute, second, steps) -> LocalDateTime.of(year, month,
            Math.min(day, java.time.YearMonth.of(year, month).lengthOfMonth()), hour, minute, second,
            steps * CommandTime.NANOS_PER_STEP));
    Arbitrary<Optional<LocalDateTime>> start = times.optional();
    Arbitrary<Long> laterBy = Arbitraries.longs().between(1, 400L * 24 * 3600 * 10_000);
    return Combinators.combine(Arbitraries.of(RebuildMode.class), Arbitraries.of(true, false),
        Arbitraries.of(true, false), start, laterBy.optional())
        .as((mode, master, slave, from, span) -> {
          Optional<LocalDateTime> to = from.flatMap(time -> span.map(steps ->
              time.plusNanos(steps * CommandTime.NANOS_PER_STEP))).filter(CommandTime::expressible);
          return new RebuildCommand(mode, master, slave, from, to);
        });
  }

  /** The command, or empty when refused with a one-line message; any other exception fails the property. */
  private static Optional<ShellCommand> outcome(String line) {
    try {
      return Optional.of(ShellParser.parse(line));
    } catch (ShellSyntaxException e) {
      assertThat(e.getMessage()).startsWith("expected ").doesNotContain("\n", "\r", "\u0085", "\u2028", "\u2029");
      return Optional.empty();
    }
  }
}
