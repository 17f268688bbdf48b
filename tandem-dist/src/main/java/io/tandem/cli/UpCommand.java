package io.tandem.cli;

import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SessionIds;
import io.tandem.simulator.SimulationPlan;
import io.tandem.stack.Stack;
import io.tandem.stack.StackLayout;
import io.tandem.call.Position;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem up}: the whole stack on one machine, zero set-up. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Starts the whole stack on this machine and waits until it takes calls.",
        "Embedded PostgreSQL, the Recorder Manager with the RRC, one pair or more (Main and Backup recorders as",
        "child processes) and a filesystem archive, all under --data. Ctrl-C stops everything; starting again on",
        "the same directory resumes with every call intact."})
final class UpCommand implements Callable<Integer> {
  @Option(names = "--data", defaultValue = "tandem-data", paramLabel = "DIR",
      description = "data directory (default ./${DEFAULT-VALUE})")
  Path data;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
      description = "Recorder Manager port (default ${DEFAULT-VALUE}); the stack also uses PORT+1 to PORT+5, and four "
          + "more ports for each further pair")
  int port;

  @Option(names = "--pairs", defaultValue = "1", paramLabel = "N",
      description = "pairs to run, 2N recorder processes (default ${DEFAULT-VALUE}, at most " + StackLayout.MAX_PAIRS
          + ")")
  int pairs;

  @Option(names = "--http", description = {"answer plain HTTP instead of HTTPS with the stack's self-signed "
      + "certificate", "(everything listens on 127.0.0.1 only either way)"})
  boolean plainHttp;

  @Option(names = "--simulate", paramLabel = "CPS",
      description = "feed the pairs with simulated conversations at CPS calls per second (30 s each), every pair in "
          + "turn")
  Double simulate;

  @Override
  public Integer call() throws Exception {
    Stack stack = new Stack(new StackLayout(data, port, plainHttp, pairs));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping Tandem...");
      stack.stop();
      stopped.countDown();
    }, "stack-shutdown"));
    stack.start();
    stack.printUrls(System.out);
    if (simulate != null) {
      Thread.ofPlatform().daemon().name("simulator").start(() -> feed(stack, simulate));
    }
    stopped.await();
    return 0;
  }

  private static void feed(Stack stack, double cps) {
    try {
      // The stack knows its own recorders' SIP addresses: no API call, so no credential, is needed.
      List<List<InetSocketAddress>> pairs = stack.layout().pairs().stream().map(pair -> List.of(Position.values())
          .stream().map(position -> new InetSocketAddress("127.0.0.1", pair.sipPort(position))).toList()).toList();
      SimulationPlan plan = new SimulationPlan(pairs, Integer.MAX_VALUE, cps, Duration.ofSeconds(30), "udp", 0,
          SessionIds.SHARED, null, null);
      new CallSimulator(plan).runUnlisted();
    } catch (Exception e) {
      System.err.println("tandem up: the simulator stopped: " + Failures.describe(e));
    }
  }
}
