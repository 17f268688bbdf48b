package io.tandem.capture.rtp;

import static org.assertj.core.api.Assumptions.assumeThat;

/** Every case of {@link RtpSourceLatchingTest}, with the sockets read in batches (recvmmsg). */
class RtpSourceLatchingBatchTest extends RtpSourceLatchingTest {
  @Override
  ReceiveMode receive() {
    assumeThat(ReceiveChoice.unavailable()).as("batch receive on this machine").isNull();
    return ReceiveMode.BATCH;
  }
}
