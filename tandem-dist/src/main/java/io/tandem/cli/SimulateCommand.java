package io.tandem.cli;

import io.tandem.media.G711;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.PairDirectory;
import io.tandem.simulator.SessionIds;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem simulate}: the SIPREC client that forks each conversation to both recorders of a pair. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Sends SIPREC conversations to both recorders of a pair, as an SBC does, and ends with one line",
        "of JSON: conversations sent, calls per recorder, failures. Exit status 0 only when nothing failed."})
final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--manager", required = true, paramLabel = "URL",
      description = "the Recorder Manager, e.g. http://127.0.0.1:8080 (the pair's SIP addresses come from it)")
  URI manager;

  @Option(names = "--pair", paramLabel = "NAME", description = "the pair to call (default: the first pair)")
  String pair;

  @Option(names = "--conversations", required = true, paramLabel = "N", description = "conversations to send")
  int conversations;

  @Option(names = "--cps", defaultValue = "1", paramLabel = "R", description = "new conversations per second (default ${DEFAULT-VALUE})")
  double cps;

  @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
      description = "length of each conversation in seconds (default ${DEFAULT-VALUE})")
  double duration;

  @Option(names = "--transport", defaultValue = "udp", paramLabel = "udp|tcp", description = "SIP transport (default ${DEFAULT-VALUE})")
  String transport;

  @Option(names = "--codec", defaultValue = "PCMU", paramLabel = "PCMU|PCMA", description = "G.711 law (default ${DEFAULT-VALUE})")
  String codec;

  @Option(names = "--session-ids", defaultValue = "shared", paramLabel = "MODE",
      description = {"how each conversation is named to the recorders (default ${DEFAULT-VALUE}): shared (one SIPREC",
          "session id to both), distinct (each recorder its own), distinct-with-sip-identity (each its own, and the",
          "same sipSessionID of the recorded call to both)"})
  String sessionIds;

  @Option(names = "--details", paramLabel = "FILE",
      description = "also write one JSON line per conversation (session id, tones) to FILE")
  Path details;

  @Override
  public Integer call() throws Exception {
    int payloadType = switch (codec.toUpperCase()) {
      case "PCMU" -> G711.PCMU;
      case "PCMA" -> G711.PCMA;
      default -> throw new IllegalArgumentException("--codec must be PCMU or PCMA, got '" + codec + "'");
    };
    SessionIds naming = SessionIds.fromOption(sessionIds);
    List<InetSocketAddress> recorders = PairDirectory.sipAddresses(manager, pair);
    SimulationPlan plan = new SimulationPlan(recorders, conversations, cps,
        Duration.ofMillis(Math.round(duration * 1000)), transport, payloadType, naming);
    SimulationReport report = new CallSimulator(plan).run();
    if (details != null) {
      Files.write(details, report.conversations().stream().map(io.tandem.json.Json::write).toList());
    }
    System.out.println(report.summaryJson());
    return report.failures() == 0 ? 0 : 1;
  }
}
