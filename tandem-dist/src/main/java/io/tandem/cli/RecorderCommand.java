package io.tandem.cli;

import io.tandem.config.ConfigFile;
import io.tandem.recorder.Recorder;
import io.tandem.recorder.RecorderConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem recorder --config FILE}: one recorder process. */
@Command(name = "recorder", mixinStandardHelpOptions = true,
    description = {"Runs one recorder: SIPREC capture, call buffer, Workflow and admin API.",
        "The config file holds key = value lines: recorder.serial, recorder.pair, recorder.position (MAIN or BACKUP),",
        "recorder.dataDir, sip.port, sip.allow (the SBC addresses that may send SIP), admin.port, database.url,",
        "manager.secret (the secret its Recorder Manager's config file shares; role and promotion orders need it), and",
        "optional rtp.portMin/portMax, recorder.timeZone, buffer.retention, media.timeout, gap.grace,",
        "database.user/password, database.poolSize (4), database.statementTimeout (5m; 0s: no limit),",
        "recorder.contingencySerial, sip.maxCalls, sip.maxStreamsPerCall,",
        "sip.maxTcpConnections, sip.tcpIdleTimeout, sip.tls.* (SIP over TLS), rtp.sourceTakeover, rtp.receive,",
        "media.keyFile or media.key and media.encryption (media sealed at rest), admin.tls.certificate and",
        "admin.tls.key or admin.tls.keystore and admin.tls.keystorePassword (HTTPS)."})
final class RecorderCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "the recorder's config file")
  Path config;

  @Option(names = "--exit-with-parent", paramLabel = "PID",
      description = "stop when process PID ends (used by 'tandem up' for its children)")
  Long parentPid;

  @Override
  public Integer call() throws Exception {
    RecorderConfig settings = RecorderConfig.from(ConfigFile.load(config));
    Recorder recorder = new Recorder(settings, Clock.systemUTC()).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      recorder.stop();
      stopped.countDown();
    }, "recorder-shutdown"));
    if (parentPid != null) {
      ProcessHandle.of(parentPid).ifPresentOrElse(
          parent -> parent.onExit().thenRun(() -> System.exit(0)),
          () -> System.exit(0));
    }
    stopped.await();
    return 0;
  }
}
