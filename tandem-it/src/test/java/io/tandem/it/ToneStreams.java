package io.tandem.it;

import io.tandem.simulator.Tones;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends G.711 RTP streams of known tones, 20 ms a packet in real time, each stream to every address given
 * for it (the Main's and the Backup's answered ports), as an SBC forks one conversation to two recorders.
 * Stateless; {@link #send} blocks until the last packet is out.
 */
final class ToneStreams {
  static final int PACKET_MILLIS = 20;

  private ToneStreams() {}

  /** One stream: its payload type, its tone in Hz, and where it goes. */
  record Stream(int payloadType, double tone, List<InetSocketAddress> destinations) {}

  static void send(List<Stream> streams, int packets) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      long start = System.nanoTime();
      for (int seq = 0; seq < packets; seq++) {
        // Paced against the start, not the previous packet, so that late wake-ups do not add up.
        LockSupport.parkNanos(start + seq * PACKET_MILLIS * 1_000_000L - System.nanoTime());
        for (int i = 0; i < streams.size(); i++) {
          Stream stream = streams.get(i);
          byte[] packet = packet(stream, seq, 0x7a5e0000 + i);
          for (InetSocketAddress destination : stream.destinations()) {
            socket.send(new DatagramPacket(packet, packet.length, destination));
          }
        }
      }
    }
  }

  private static byte[] packet(Stream stream, int seq, int ssrc) {
    byte[] payload = Tones.payload(stream.tone(), stream.payloadType(), seq);
    return ByteBuffer.allocate(12 + payload.length).put((byte) 0x80).put((byte) stream.payloadType())
        .putShort((short) seq).putInt(seq * Tones.SAMPLES_PER_PACKET).putInt(ssrc).put(payload).array();
  }
}
