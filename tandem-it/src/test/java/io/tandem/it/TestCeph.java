package io.tandem.it;

import io.tandem.bench.CephS3;
import java.io.IOException;
import java.util.Map;

/** {@link CephS3} as the tests start it: its programs a real peer ({@code ceph}), its ports the suite's own. */
final class TestCeph {
  private TestCeph() {}

  /**
   * Fails with one line when a program is missing (the suite's command installs the packages), or skips the test
   * when the run asked to ({@code --skip-peers ceph}); else starts the gateway, on https too with the run's
   * {@link TestCertificate}.
   */
  static CephS3 start() throws IOException, InterruptedException {
    for (Map.Entry<String, String> program : CephS3.PROGRAMS.entrySet()) {
      RealPeers.requireInstalled("ceph", CephS3.BIN.resolve(program.getKey()), program.getValue());
    }
    return CephS3.start(RecorderProcess.freePort(), RecorderProcess.freePort(), RecorderProcess.freePortBlock(),
        new CephS3.Https(RecorderProcess.freePort(), TestCertificate.PEM, TestCertificate.KEY));
  }
}
