package io.tandem.bench;

import io.tandem.capture.rtp.RtpPacket;
import io.tandem.capture.srtp.SrtpSender;
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
 * Sends 20 ms packets of 160 bytes (PCMU unless told another payload type, such as 9 for G.722) to a set of
 * loopback ports, one RTP stream per port (as SRTP when given a sender per port), either as fast as
 * the receiver keeps up ({@link #send}) or at the pace of real streams ({@link #sendPaced}). Not
 * thread-safe; one sender per run.
 */
final class LoopbackRtpSender implements AutoCloseable {
  private static final int WINDOW = 4096;
  private static final int CHECK_EVERY = 64;
  private static final long PTIME_NANOS = 20_000_000L;

  private final DatagramChannel socket;
  private final byte[] payload = new byte[160];
  /** Room for an SRTP tag after the payload. */
  private final byte[] packet = new byte[RtpPacket.HEADER_LENGTH + 160 + 10];
  private final ByteBuffer out = ByteBuffer.wrap(packet);
  private final int payloadType;
  /** One SRTP sender per target, in the order of the ports sent to; empty for plain RTP. */
  private final List<SrtpSender> srtp;

  LoopbackRtpSender() throws IOException {
    this(G711.PCMU, List.of());
  }

  LoopbackRtpSender(int payloadType) throws IOException {
    this(payloadType, List.of());
  }

  /** With {@code srtp} (one sender a target port), every packet is sent as SRTP under its stream's key. */
  LoopbackRtpSender(int payloadType, List<SrtpSender> srtp) throws IOException {
    this.payloadType = payloadType;
    this.srtp = srtp;
    socket = DatagramChannel.open();
    socket.bind(new InetSocketAddress("127.0.0.1", 0));
    for (int i = 0; i < payload.length; i++) {
      payload[i] = G711.encode(G711.PCMU, ToneAnalysis.toneSample(1000, 8000, i, 8000));
    }
  }

  /**
   * Sends {@code count} packets round-robin over {@code ports} as fast as the receiver keeps up: it
   * never runs more than a window ahead of {@code received}, so the socket buffers do not overflow.
   *
   * @return the packets sent
   */
  long send(List<Integer> ports, long count, LongSupplier received) throws IOException {
    InetSocketAddress[] targets = targets(ports);
    for (long i = 0; i < count; i++) {
      if (i % CHECK_EVERY == 0) {
        waitForReceiver(i, received);
      }
      sendPacket(targets, i);
    }
    return count;
  }

  /**
   * Sends every stream at 50 packets per second for {@code seconds}, as real calls do: the streams'
   * 20 ms slots are spread evenly over each 20 ms, so the ports together receive a steady
   * {@code 50 * ports} packets per second. Packets whose slot passed while the sender slept go out
   * at once, in slot order.
   *
   * @return the packets sent
   */
  long sendPaced(List<Integer> ports, double seconds) throws IOException {
    InetSocketAddress[] targets = targets(ports);
    long count = (long) (seconds * 50 * targets.length);
    double slotNanos = (double) PTIME_NANOS / targets.length;
    long start = System.nanoTime();
    for (long i = 0; i < count; i++) {
      long due = start + (long) (i * slotNanos);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      sendPacket(targets, i);
    }
    return count;
  }

  private void sendPacket(InetSocketAddress[] targets, long i) throws IOException {
    int stream = (int) (i % targets.length);
    long index = i / targets.length;
    int length = RtpPacket.write(packet, payloadType, false, (int) (index & 0xFFFF), (index * 160) & 0xFFFF_FFFFL,
        stream + 1, payload, 0, payload.length);
    if (!srtp.isEmpty()) {
      length = srtp.get(stream).protect(packet, length);
    }
    out.clear().limit(length);
    socket.send(out, targets[stream]);
  }

  private static InetSocketAddress[] targets(List<Integer> ports) {
    return ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toArray(InetSocketAddress[]::new);
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
