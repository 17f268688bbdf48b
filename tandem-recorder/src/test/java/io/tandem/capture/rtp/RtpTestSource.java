package io.tandem.capture.rtp;

import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/** Builds G.711 RTP packets of one stream and sends datagrams over loopback, paced at 20 ms. */
final class RtpTestSource implements AutoCloseable {
  static final int SAMPLES_PER_PACKET = 160;

  private final DatagramChannel socket;
  int payloadType;
  int sequence;
  long timestamp;
  long ssrc;

  RtpTestSource(int payloadType, int sequence, long timestamp, long ssrc) {
    this.payloadType = payloadType;
    this.sequence = sequence;
    this.timestamp = timestamp;
    this.ssrc = ssrc;
    try {
      socket = DatagramChannel.open();
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next packet of the stream, carrying {@code pcm}; sequence and timestamp move on. */
  byte[] next(short[] pcm) {
    byte[] payload = new byte[pcm.length];
    for (int i = 0; i < pcm.length; i++) {
      payload[i] = G711.encode(payloadType, pcm[i]);
    }
    byte[] out = new byte[RtpPacket.HEADER_LENGTH + payload.length];
    RtpPacket.write(out, payloadType, false, sequence & 0xFFFF, timestamp & 0xFFFF_FFFFL, ssrc, payload, 0,
        payload.length);
    sequence++;
    timestamp += pcm.length;
    return out;
  }

  /** The next packet of the stream carrying {@code payload} as {@code type}; the timestamp then moves {@code step}. */
  byte[] next(int type, byte[] payload, int step) {
    byte[] out = at(type, false, timestamp, payload);
    timestamp += step;
    return out;
  }

  /** A packet at RTP timestamp {@code at} (a telephone event keeps its start's); the sequence moves on. */
  byte[] at(int type, boolean marker, long at, byte[] payload) {
    byte[] out = new byte[RtpPacket.HEADER_LENGTH + payload.length];
    RtpPacket.write(out, type, marker, sequence & 0xFFFF, at & 0xFFFF_FFFFL, ssrc, payload, 0, payload.length);
    sequence++;
    return out;
  }

  void send(byte[] datagram, int port) {
    try {
      socket.send(ByteBuffer.wrap(datagram), new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int localPort() {
    return socket.socket().getLocalPort();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  static short[] tone(double frequency, int packetIndex) {
    short[] pcm = new short[SAMPLES_PER_PACKET];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = ToneAnalysis.toneSample(frequency, 8000, (long) packetIndex * SAMPLES_PER_PACKET + i, 8000);
    }
    return pcm;
  }

  static short[] level(int value) {
    return level(value, SAMPLES_PER_PACKET);
  }

  static short[] level(int value, int samples) {
    short[] pcm = new short[samples];
    java.util.Arrays.fill(pcm, (short) value);
    return pcm;
  }

  /** What a receiver decodes for a constant {@code value} sent as {@code payloadType}. */
  static short decodedLevel(int payloadType, int value) {
    return G711.decodeTable(payloadType)[G711.encode(payloadType, (short) value) & 0xFF];
  }

  /** Calls {@code tick} for ticks 0 to count - 1, each at its 20 ms slot after the first. */
  static void paced(int count, IntConsumer tick) {
    paced(count, 20, tick);
  }

  /** Calls {@code tick} for ticks 0 to count - 1, each {@code periodMillis} after the one before. */
  static void paced(int count, int periodMillis, IntConsumer tick) {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long due = start + TimeUnit.MILLISECONDS.toNanos((long) periodMillis * i);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      tick.accept(i);
    }
  }
}
