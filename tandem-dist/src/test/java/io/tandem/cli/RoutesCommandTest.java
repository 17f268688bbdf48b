package io.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.access.RouteTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RoutesCommandTest {
  @Test
  void routesPrintsTheTableTheServersCheck() {
    StringWriter out = new StringWriter();
    CommandLine line = Tandem.commandLine();
    line.setOut(new PrintWriter(out));

    assertThat(line.execute("routes")).isZero();
    assertThat(out.toString()).isEqualTo(RouteTable.markdown()).contains("| `POST /api/role` | the RRC's role order "
        + "| - | - | - | - | yes |");
  }
}
