package io.tandem.cli;

import io.tandem.capture.srtp.SrtpSuite;
import io.tandem.media.G711;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.PairDirectory;
import io.tandem.simulator.SessionIds;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import io.tandem.tls.TlsTrust;
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
    description = {"Sends SIPREC conversations to both recorders of a pair, as an SBC does.",
        "Ends with one line of JSON: conversations sent, calls per recorder, failures. Exit status 0 only when",
        "nothing failed.",
        "With --pair all, the conversations go to every pair in turn."})
final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--manager", paramLabel = "URL", split = ",",
      description = "the Recorder Manager, e.g. https://127.0.0.1:8080 (the pair's SIP addresses come from it); "
          + "several, comma-separated or repeated: the first that answers is asked")
  List<URI> managers;

  @Option(names = "--ca", paramLabel = "FILE", defaultValue = "${env:TANDEM_CA}",
      description = "PEM file of the CA or certificate an https Manager is trusted by (default: $TANDEM_CA, else the "
          + "JDK's authorities)")
  Path ca;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:TANDEM_TOKEN}",
      description = "the API token the Manager is asked with for the pair's recorders (default: $TANDEM_TOKEN)")
  String token;

  @Option(names = "--recorder", paramLabel = "HOST:PORT",
      description = "a recorder's SIP address to fork to, instead of the pair's from the Manager; repeat it for "
          + "each (with --transport tls, the recorders' TLS ports)")
  List<String> recorderAddresses;

  @Option(names = "--pair", paramLabel = "NAME|all",
      description = "the pair to call, or 'all' for every pair of the Manager in turn (default: the first pair)")
  String pair;

  @Option(names = "--conversations", required = true, paramLabel = "N", description = "conversations to send")
  int conversations;

  @Option(names = "--cps", defaultValue = "1", paramLabel = "R", description = "new conversations per second (default ${DEFAULT-VALUE})")
  double cps;

  @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
      description = "length of each conversation in seconds (default ${DEFAULT-VALUE})")
  double duration;

  @Option(names = "--transport", defaultValue = "udp", paramLabel = "udp|tcp|tls",
      description = "SIP transport (default ${DEFAULT-VALUE}); tls needs --recorder with the recorders' TLS ports")
  String transport;

  @Option(names = "--tls-trust", paramLabel = "FILE",
      description = "PEM certificates to trust as the recorders' over TLS (default: the JDK's trusted authorities)")
  Path tlsTrust;

  @Option(names = "--srtp", paramLabel = "SUITE",
      description = "send SRTP with SDES keys in the offer: AES_CM_128_HMAC_SHA1_80 or AES_CM_128_HMAC_SHA1_32")
  String srtp;

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
    SrtpSuite suite = srtp == null ? null : SrtpSuite.named(srtp).orElseThrow(() -> new IllegalArgumentException(
        "--srtp must be AES_CM_128_HMAC_SHA1_80 or AES_CM_128_HMAC_SHA1_32, got '" + srtp + "'"));
    SimulationPlan plan = new SimulationPlan(pairs(), conversations, cps,
        Duration.ofMillis(Math.round(duration * 1000)), transport, payloadType, naming, suite, tlsTrust);
    SimulationReport report = new CallSimulator(plan).run();
    if (details != null) {
      Files.write(details, report.conversations().stream().map(io.tandem.json.Json::write).toList());
    }
    System.out.println(report.summaryJson());
    return report.failures() == 0 ? 0 : 1;
  }

  /** The addresses given with --recorder as one pair, or else the pair's (or every pair's) from the Manager. */
  private List<List<InetSocketAddress>> pairs() throws Exception {
    if (recorderAddresses != null && !recorderAddresses.isEmpty()) {
      if (pair != null) {
        throw new IllegalArgumentException("--pair names a pair of the Manager; give it or --recorder, not both");
      }
      return List.of(recorderAddresses.stream().map(SimulateCommand::address).toList());
    }
    if (managers == null || managers.isEmpty()) {
      throw new IllegalArgumentException("give --manager URL, or each recorder's SIP address with --recorder HOST:PORT");
    }
    if (transport.equals("tls")) {
      throw new IllegalArgumentException("--transport tls needs the recorders' TLS addresses: give each with "
          + "--recorder HOST:PORT");
    }
    return PairDirectory.pairsSipAddresses(managers, pair, ca == null ? null : TlsTrust.of(ca, "--ca"),
        token == null || token.isBlank() ? null : token.strip());
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || !hostPort.substring(colon + 1).matches("[0-9]{1,5}")
        || Integer.parseInt(hostPort.substring(colon + 1)) > 65535) {
      throw new IllegalArgumentException("--recorder must be HOST:PORT, got '" + hostPort + "'");
    }
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }
}
