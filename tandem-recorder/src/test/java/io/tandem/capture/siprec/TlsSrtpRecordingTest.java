package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import io.tandem.capture.sip.SipLimits;
import io.tandem.capture.sip.SipTls;
import io.tandem.capture.srtp.SrtpSuite;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.ConversationSent;
import io.tandem.simulator.SessionIds;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls signalled over TLS with SRTP media, from the call simulator, recorded as plain calls are. */
class TlsSrtpRecordingTest {
  @TempDir Path dataDir;
  private SessionsOnLoopback recorder;

  @AfterEach
  void stop() {
    recorder.close();
  }

  @Test
  void aConversationOverTlsWithSrtpIsRecordedWithItsTones() throws Exception {
    Path keys = Files.createDirectory(dataDir.resolve("keys"));
    Process keytool = new ProcessBuilder(keytool(), "-genkeypair", "-alias", "sip", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore",
        keys.resolve("sip.p12").toString(), "-storetype", "PKCS12", "-storepass", "test-only", "-keypass",
        "test-only").redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).isTrue();
    Process export = new ProcessBuilder(keytool(), "-exportcert", "-rfc", "-alias", "sip", "-keystore",
        keys.resolve("sip.p12").toString(), "-storepass", "test-only", "-file", keys.resolve("sip.pem").toString())
        .redirectErrorStream(true).start();
    assertThat(export.waitFor(60, TimeUnit.SECONDS) && export.exitValue() == 0).isTrue();
    recorder = new SessionsOnLoopback(dataDir, SipLimits.DEFAULTS,
        new SipTls(5061, null, null, keys.resolve("sip.p12"), "test-only").sslContext());

    SimulationReport report = new CallSimulator(new SimulationPlan(List.of(List.of(new InetSocketAddress("127.0.0.1",
        recorder.sip.tlsPort()))), 2, 10, Duration.ofSeconds(1), "tls", 0, SessionIds.SHARED, SrtpSuite.AES_CM_128_HMAC_SHA1_80,
        keys.resolve("sip.pem"))).run();

    assertThat(report.failures()).isZero();
    assertThat(recorder.ended).hasSize(2);
    for (ConversationSent sent : report.conversations()) {
      CallRecord call = recorder.buffer.findByCorrelationKey(sent.sessionId()).orElseThrow();
      assertThat(call.state()).isEqualTo(CallState.COMPLETE);
      WavAudio audio = WavFile.read(dataDir.resolve(call.mediaPath()));
      double[] candidates = {sent.frequency1(), sent.frequency2()};
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(0), 8000, candidates)).isEqualTo(sent.frequency1());
      assertThat(ToneAnalysis.dominantFrequency(audio.channel(1), 8000, candidates)).isEqualTo(sent.frequency2());
      assertThat(call.stats().packetsReceived()).isEqualTo(100);
    }
    assertThat(recorder.media.counters().srtpUnauthentic()).isZero();
  }

  private static String keytool() {
    return Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool").toString();
  }
}
