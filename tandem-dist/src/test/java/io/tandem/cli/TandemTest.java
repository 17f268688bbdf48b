package io.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TandemTest {
  @Test
  void aRunBuildsOnlyTheSubcommandItNames() {
    CommandLine recorder = Tandem.commandLine("recorder");
    assertThat(recorder.getSubcommands()).containsOnlyKeys("recorder");
    CommandLine.ParseResult parsed = recorder.parseArgs("recorder", "--config", "recorder.properties");
    java.nio.file.Path config = parsed.subcommand().matchedOptionValue("--config", null);
    assertThat(config).hasToString("recorder.properties");
    assertThat(recorder.getSubcommands().get("recorder").getCommandSpec().qualifiedName()).isEqualTo("tandem recorder");

    assertThat(Tandem.commandLine("workflowshell").getSubcommands()).containsOnlyKeys("shell", "workflowshell");
  }

  @Test
  void helpAndAnUnknownSubcommandStillListEveryOne() {
    assertThat(Tandem.commandLine().getSubcommands()).containsKeys("up", "manager", "recorder", "simulate", "shell",
        "workflowshell", "audit", "routes");
    StringWriter err = new StringWriter();
    CommandLine unknown = Tandem.commandLine("recorders");
    unknown.setErr(new PrintWriter(err));
    assertThat(unknown.execute("recorders")).isEqualTo(2);
    assertThat(err.toString()).contains("'recorders'").contains("Did you mean: tandem recorder");

    StringWriter out = new StringWriter();
    CommandLine help = Tandem.commandLine("--help");
    help.setOut(new PrintWriter(out));
    assertThat(help.execute("--help")).isZero();
    assertThat(out.toString()).contains("  up ", "  manager ", "  recorder ", "  simulate ", "  shell, workflowshell ",
        "  audit ", "  routes ");
  }

  @Test
  void aPairCountOutsideOneToTwentyIsRefusedBeforeAnythingStarts(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) {
    java.nio.file.Path data = dir.resolve("data");
    StringWriter err = new StringWriter();
    CommandLine up = Tandem.commandLine("up");
    up.setErr(new PrintWriter(err));

    assertThat(up.execute("up", "--pairs", "21", "--data", data.toString())).isEqualTo(2);

    assertThat(err.toString()).isEqualTo("tandem up: --pairs must be from 1 to 20, got 21" + System.lineSeparator());
    assertThat(data).doesNotExist();
  }

  @Test
  void simulateTakesAPairOfTheManagerOrRecorderAddressesNotBoth() {
    StringWriter err = new StringWriter();
    CommandLine simulate = Tandem.commandLine("simulate");
    simulate.setErr(new PrintWriter(err));

    assertThat(simulate.execute("simulate", "--recorder", "127.0.0.1:5060", "--pair", "all", "--conversations", "1"))
        .isEqualTo(2);

    assertThat(err.toString()).contains("--pair names a pair of the Manager; give it or --recorder, not both");
  }
}
