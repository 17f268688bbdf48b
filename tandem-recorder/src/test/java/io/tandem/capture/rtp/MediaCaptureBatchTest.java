package io.tandem.capture.rtp;

import static org.assertj.core.api.Assumptions.assumeThat;

/** Every case of {@link MediaCaptureTest}, with the sockets read in batches (recvmmsg). */
class MediaCaptureBatchTest extends MediaCaptureTest {
  @Override
  ReceiveMode receive() {
    assumeThat(ReceiveChoice.unavailable()).as("batch receive on this machine").isNull();
    return ReceiveMode.BATCH;
  }
}
