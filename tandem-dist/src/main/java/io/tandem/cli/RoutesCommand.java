package io.tandem.cli;

import io.tandem.access.RouteTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tandem routes}: prints the route x role table both servers check, as the docs show it. */
@Command(name = "routes", mixinStandardHelpOptions = true,
    description = "Prints, as Markdown, every route of the Recorder Manager and of a recorder and the roles that may "
        + "call it: the very table the servers check.")
final class RoutesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(RouteTable.markdown());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
