package io.tandem.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.database.EventView;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyslogSenderTest {
  private static final Instant AT = Instant.parse("2026-12-01T08:00:00Z");

  @Test
  void udpSendsEachEventAsOneDatagram() throws Exception {
    try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      receiver.setSoTimeout(5000);
      SyslogSender sender = sender(SyslogTransport.UDP, receiver.getLocalPort());
      try {
        sender.send(event(1, "RECORDER_DOWN"));
        sender.send(event(2, "ALARM_RAISED"));
      } finally {
        sender.close();
      }

      assertThat(receive(receiver)).startsWith("<132>1 ").contains(" RECORDER_DOWN [tandem@32473 eventId=\"1\"");
      assertThat(receive(receiver)).startsWith("<131>1 ").contains(" ALARM_RAISED [tandem@32473 eventId=\"2\"");
    }
  }

  @Test
  void tcpFramesEachMessageWithItsLengthInOctets() throws Exception {
    try (ListeningSocket receiver = listen()) {
      SyslogSender sender = sender(SyslogTransport.TCP, receiver.getLocalPort());
      try (Socket connection = receiver.accept(() -> sender.send(event(1, "GAP")));
          InputStream in = connection.getInputStream()) {
        sender.send(event(2, "GAP"));

        String first = frame(in);
        assertThat(first).contains("eventId=\"1\"").contains("caf\u00e9");
        assertThat(frame(in)).contains("eventId=\"2\"");
      } finally {
        sender.close();
      }
    }
  }

  @Test
  void tcpConnectsAgainWhenTheReceiverClosedTheConnectionAndLosesNoMessage() throws Exception {
    try (ListeningSocket receiver = listen()) {
      SyslogSender sender = sender(SyslogTransport.TCP, receiver.getLocalPort());
      try {
        try (Socket first = receiver.accept(() -> sender.send(event(1, "GAP")))) {
          assertThat(frame(first.getInputStream())).contains("eventId=\"1\"");
        }
        try (Socket second = receiver.accept(() -> sender.send(event(2, "GAP")))) {
          assertThat(frame(second.getInputStream())).contains("eventId=\"2\"");
        }
      } finally {
        sender.close();
      }
    }
  }

  @Test
  void tcpToAReceiverThatIsDownFails() throws Exception {
    int port;
    try (ServerSocket closed = listen()) {
      port = closed.getLocalPort();
    }
    SyslogSender sender = sender(SyslogTransport.TCP, port);

    assertThatThrownBy(() -> sender.send(event(1, "GAP"))).isInstanceOf(IOException.class);
    sender.close();
  }

  private static SyslogSender sender(SyslogTransport transport, int port) {
    return new SyslogSender(new SyslogEndpoint("127.0.0.1", port, transport, SyslogFacility.LOCAL0), "host", 1);
  }

  private static EventView event(long id, String type) {
    return new EventView(id, type, AT, "pair-1", Map.of("serial", "100002", "correlationKey", "caf\u00e9"));
  }

  private static ListeningSocket listen() throws IOException {
    return new ListeningSocket();
  }

  private static String receive(DatagramSocket receiver) throws IOException {
    DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
    receiver.receive(packet);
    return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
  }

  /** One RFC 6587 octet-counted frame: the length, a space, that many octets. */
  private static String frame(InputStream in) throws IOException {
    int length = 0;
    for (int c = in.read(); c != ' '; c = in.read()) {
      assertThat(c).as("a digit of the frame's length").isBetween((int) '0', (int) '9');
      length = length * 10 + c - '0';
    }
    byte[] message = in.readNBytes(length);
    assertThat(message).hasSize(length);
    return new String(message, StandardCharsets.UTF_8);
  }

  /** A loopback listener whose accept first runs what makes the sender connect. */
  private static final class ListeningSocket extends ServerSocket {
    interface Send {
      void run() throws Exception;
    }

    ListeningSocket() throws IOException {
      super(0, 50, InetAddress.getLoopbackAddress());
      setSoTimeout(5000);
    }

    Socket accept(Send send) throws Exception {
      send.run();
      Socket accepted = accept();
      accepted.setSoTimeout(5000);
      return accepted;
    }
  }
}
