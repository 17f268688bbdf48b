package io.tandem.capture.rtp;

import static org.assertj.core.api.Assumptions.assumeThat;

/** Every case of {@link SrtpCaptureTest}, with the sockets read in batches (recvmmsg). */
class SrtpCaptureBatchTest extends SrtpCaptureTest {
  @Override
  ReceiveMode receive() {
    assumeThat(ReceiveChoice.unavailable()).as("batch receive on this machine").isNull();
    return ReceiveMode.BATCH;
  }
}
