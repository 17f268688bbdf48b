package io.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackRecorderTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream said = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(said, true, StandardCharsets.UTF_8);

  @Test
  void argumentsOtherThanConfigAndParentPidGetOneLineAndStatus2() {
    assertThat(StackRecorder.run(new String[] {"--config", "recorder.properties"}, err)).isEqualTo(2);
    assertThat(StackRecorder.run(new String[] {"recorder.properties"}, err)).isEqualTo(2);
    assertThat(said.toString(StandardCharsets.UTF_8)).isEqualTo(
        "tandem recorder: expected CONFIG PARENT_PID (as 'tandem up' starts its recorders), got 2 argument(s)\n"
            + "tandem recorder: expected CONFIG PARENT_PID (as 'tandem up' starts its recorders), got 1 argument(s)\n");
  }

  @Test
  void aConfigThatCannotBeReadIsReportedAsTheRecorderCommandReportsIt() throws Exception {
    Path config = Files.writeString(dir.resolve("recorder.properties"), "recorder.serial = 12\n");
    assertThat(StackRecorder.run(new String[] {config.toString(), "1"}, err)).isEqualTo(2);
    assertThat(said.toString(StandardCharsets.UTF_8)).startsWith("tandem recorder: ").contains("recorder.serial")
        .doesNotContain("\n\n");
  }
}
