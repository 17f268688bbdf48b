package io.tandem.bench;

import io.tandem.capture.rtp.RtpPacket;
import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Sends 20 ms PCMU packets round-robin to a set of loopback ports, one RTP stream per port, as fast
 * as the receiver keeps up: it never runs more than a window ahead of what was received, so the
 * socket buffers do not overflow. Not thread-safe; one sender per run.
 */
final class LoopbackRtpSender implements AutoCloseable {
  private static final int WINDOW = 4096;
  private static final int CHECK_EVERY = 64;

  private final DatagramChannel socket;
  private final byte[] payload = new byte[160];
  private final byte[] packet = new byte[RtpPacket.HEADER_LENGTH + 160];
  private final ByteBuffer out = ByteBuffer.wrap(packet);

  LoopbackRtpSender() throws IOException {
    socket = DatagramChannel.open();
    socket.bind(new InetSocketAddress("127.0.0.1", 0));
    for (int i = 0; i < payload.length; i++) {
      payload[i] = G711.encode(G711.PCMU, ToneAnalysis.toneSample(1000, 8000, i, 8000));
    }
  }

  /** Sends {@code count} packets spread over {@code ports}, pacing on {@code received}. */
  void send(List<Integer> ports, long count, LongSupplier received) throws IOException {
    InetSocketAddress[] targets = ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p))
        .toArray(InetSocketAddress[]::new);
    for (long i = 0; i < count; i++) {
      if (i % CHECK_EVERY == 0) {
        waitForReceiver(i, received);
      }
      int stream = (int) (i % targets.length);
      long index = i / targets.length;
      RtpPacket.write(packet, G711.PCMU, false, (int) (index & 0xFFFF), (index * 160) & 0xFFFF_FFFFL, stream + 1,
          payload, 0, payload.length);
      out.clear();
      socket.send(out, targets[stream]);
    }
  }

  /** Waits while the receiver lags a window behind; a receiver stuck for a second has dropped packets. */
  private static void waitForReceiver(long sent, LongSupplier received) {
    long last = received.getAsLong();
    long stuckSince = System.nanoTime();
    while (sent - last > WINDOW && System.nanoTime() - stuckSince < 1_000_000_000L) {
      LockSupport.parkNanos(20_000);
      long now = received.getAsLong();
      if (now != last) {
        last = now;
        stuckSince = System.nanoTime();
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
