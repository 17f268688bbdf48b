package io.tandem.it;

import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic libpcap capture (Ethernet, IPv4, UDP) of G.711 RTP streams, one tone per stream,
 * 20 ms a packet, stream {@code i} sent to UDP port {@code basePort + 2i}: what an SRC would send to
 * a recorder that answered its m-lines on consecutive even ports.
 */
final class RtpPcap {
  private static final int SAMPLES_PER_PACKET = 160;
  private static final int SAMPLE_RATE = 8000;
  private static final int RTP_HEADER = 12;
  private static final int UDP_HEADER = 8;
  private static final int IP_HEADER = 20;
  private static final int ETHERNET_HEADER = 14;

  private RtpPcap() {}

  static Path write(Path file, int basePort, int payloadType, int packets, double... tones) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(fileHeader());
    for (int seq = 0; seq < packets; seq++) {
      long micros = seq * 20_000L;
      for (int stream = 0; stream < tones.length; stream++) {
        byte[] rtp = rtp(payloadType, seq, stream, tones[stream]);
        out.write(record(micros, frame(basePort + 2 * stream, rtp)));
      }
    }
    return Files.write(file, out.toByteArray());
  }

  /** One RTP packet of a capture: when it is sent (microseconds from the first) and to which UDP port. */
  record Packet(long micros, int port, byte[] rtp) {}

  /** A capture of the given RTP packets, in their order. */
  static Path write(Path file, java.util.List<Packet> packets) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(fileHeader());
    for (Packet packet : packets) {
      out.write(record(packet.micros(), frame(packet.port(), packet.rtp())));
    }
    return Files.write(file, out.toByteArray());
  }

  /** The packets a classic little-endian capture holds, counted record by record as sipp will play them. */
  static int packetCount(Path file) throws IOException {
    ByteBuffer capture = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    if (capture.remaining() < 24 || capture.getInt(0) != 0xa1b2c3d4) {
      throw new IOException(file + " is not a little-endian libpcap capture");
    }
    int packets = 0;
    for (int at = 24; at + 16 <= capture.limit(); at += 16 + capture.getInt(at + 8)) {
      packets++;
    }
    return packets;
  }

  private static byte[] fileHeader() {
    return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
        .putInt(65_535).putInt(1) // snap length, link type Ethernet
        .array();
  }

  private static byte[] record(long micros, byte[] frame) {
    return ByteBuffer.allocate(16 + frame.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000))
        .putInt(frame.length).putInt(frame.length).put(frame).array();
  }

  private static byte[] rtp(int payloadType, int seq, int stream, double tone) {
    ByteBuffer packet = ByteBuffer.allocate(RTP_HEADER + SAMPLES_PER_PACKET)
        .put((byte) 0x80).put((byte) payloadType).putShort((short) seq)
        .putInt(seq * SAMPLES_PER_PACKET).putInt(0x5eed0000 + stream);
    long first = (long) seq * SAMPLES_PER_PACKET;
    for (int i = 0; i < SAMPLES_PER_PACKET; i++) {
      packet.put(G711.encode(payloadType, ToneAnalysis.toneSample(tone, SAMPLE_RATE, first + i, 8000)));
    }
    return packet.array();
  }

  private static byte[] frame(int destinationPort, byte[] rtp) {
    int udpLength = UDP_HEADER + rtp.length;
    int ipLength = IP_HEADER + udpLength;
    ByteBuffer frame = ByteBuffer.allocate(ETHERNET_HEADER + ipLength);
    frame.put(new byte[12]).putShort((short) 0x0800);
    int ipStart = frame.position();
    frame.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 0).putShort((short) 0x4000)
        .put((byte) 64).put((byte) 17).putShort((short) 0)
        .put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
    frame.putShort(ipStart + 10, checksum(frame.array(), ipStart, IP_HEADER));
    // Source ports above every destination port, so the lowest port of the capture is the first stream's;
    // a zero UDP checksum means "not computed".
    frame.putShort((short) (destinationPort + 1000)).putShort((short) destinationPort)
        .putShort((short) udpLength).putShort((short) 0).put(rtp);
    return frame.array();
  }

  private static short checksum(byte[] data, int offset, int length) {
    long sum = 0;
    for (int i = offset; i < offset + length; i += 2) {
      sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (short) ~sum;
  }
}
