package io.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulateCommandTest {
  @Test
  void severalManagersAreTakenCommaSeparatedOrRepeatedInTheOrderGiven() {
    SimulateCommand command = new SimulateCommand();
    new CommandLine(command).parseArgs("--manager", "http://127.0.0.1:8080,http://127.0.0.1:8081", "--manager",
        "http://127.0.0.1:8082", "--conversations", "1");
    assertThat(command.managers).containsExactly(URI.create("http://127.0.0.1:8080"),
        URI.create("http://127.0.0.1:8081"), URI.create("http://127.0.0.1:8082"));
  }
}
