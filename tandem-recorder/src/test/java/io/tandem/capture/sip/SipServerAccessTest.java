package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who may send SIP and how much: the allow-list and the connection limits of a real server on loopback. */
class SipServerAccessTest {
  private static final InetAddress SBC = loopback("127.0.0.1");
  private static final InetAddress STRANGER = loopback("127.0.0.2");

  private final AtomicInteger handled = new AtomicInteger();
  private final SipRefusals refusals = new SipRefusals();
  private SipServer server;

  private SipServer start(SipLimits limits) throws IOException {
    server = new SipServer((request, reply) -> {
      handled.incrementAndGet();
      reply.send(SipMessage.responseTo(request, 200, "OK").build());
    }, AllowList.parse("127.0.0.1"), limits, refusals);
    server.start("127.0.0.1", 0);
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void udpFromOutsideTheAllowListIsAnswered403AndCountedAndNeverHandled() throws Exception {
    start(SipLimits.DEFAULTS);
    try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(STRANGER, 0))) {
      stranger.setSoTimeout(2000);
      String answer = exchange(stranger, options("stranger-1"));
      assertThat(answer).startsWith("SIP/2.0 403 Forbidden - 127.0.0.2 is not on this recorder's SBC allow-list");
    }
    try (DatagramSocket sbc = new DatagramSocket(new InetSocketAddress(SBC, 0))) {
      sbc.setSoTimeout(2000);
      assertThat(exchange(sbc, options("sbc-1"))).startsWith("SIP/2.0 200");
    }
    assertThat(handled).hasValue(1);
    assertThat(refusals.sourceCount(SipTransport.UDP)).isEqualTo(1);
  }

  @Test
  void aUdpFloodFromOutsideTheAllowListIsCountedButOnlyAFewAreAnswered() throws Exception {
    start(SipLimits.DEFAULTS);
    int answers = 0;
    long started = System.nanoTime();
    long seconds;
    try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(STRANGER, 0))) {
      for (int i = 0; i < 200; i++) {
        send(stranger, options("flood-" + i));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> refusals.sourceCount(SipTransport.UDP) == 200);
      seconds = (System.nanoTime() - started) / 1_000_000_000L + 1;
      stranger.setSoTimeout(300);
      while (receive(stranger) != null) {
        answers++;
      }
    }
    // At most 20 in each second the flood was handled in (a loaded machine may spread it over more than one).
    assertThat(answers).isBetween(1, (int) (20 * (seconds + 1)));
    assertThat(handled).hasValue(0);
  }

  @Test
  void tcpFromOutsideTheAllowListGets403ToItsFirstRequestAndIsClosed() throws Exception {
    start(SipLimits.DEFAULTS);
    try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), server.port(), STRANGER, 0)) {
      socket.setSoTimeout(3000);
      socket.getOutputStream().write(options("tcp-stranger").getBytes(StandardCharsets.UTF_8));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("SIP/2.0 403");
    }
    assertThat(refusals.sourceCount(SipTransport.TCP)).isEqualTo(1);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aTcpConnectionPastTheLimitIsClosedAtOnceAndCounted() throws Exception {
    start(new SipLimits(10, 8, 1, Duration.ofMinutes(1)));
    try (Socket first = new Socket(SBC, server.port()); Socket second = new Socket(SBC, server.port())) {
      second.setSoTimeout(3000);
      assertThat(second.getInputStream().read()).as("closed by the recorder").isEqualTo(-1);
      await().atMost(Duration.ofSeconds(2)).until(() -> refusals.limitCount(SipLimit.TCP_CONNECTIONS) == 1);
      first.setSoTimeout(3000);
      first.getOutputStream().write(options("tcp-first").getBytes(StandardCharsets.UTF_8));
      assertThat(readMessage(first.getInputStream())).startsWith("SIP/2.0 200");
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> server.openConnections() == 0);
  }

  @Test
  void aTcpConnectionSilentPastTheIdleLimitIsClosedAndCounted() throws Exception {
    start(new SipLimits(10, 8, 10, Duration.ofMillis(300)));
    try (Socket socket = new Socket(SBC, server.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(options("tcp-idle").getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      assertThat(readMessage(in)).startsWith("SIP/2.0 200");
      long before = System.nanoTime();
      assertThat(in.read()).as("closed by the recorder").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
    // The connection is closed before the refusal is counted, on the listener's thread.
    await().atMost(Duration.ofSeconds(5)).until(() -> refusals.limitCount(SipLimit.TCP_IDLE) == 1);
  }

  static String options(String callId) {
    return "OPTIONS sip:srs@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:sbc@127.0.0.1>;tag=f1\r\n"
        + "To: <sip:srs@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Max-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  /** Reads one response with no body (up to its empty line) from a stream. */
  static String readMessage(InputStream in) throws IOException {
    StringBuilder text = new StringBuilder();
    while (!text.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      text.append((char) b);
    }
    return text.toString();
  }

  private String exchange(DatagramSocket socket, String message) throws IOException {
    send(socket, message);
    String answer = receive(socket);
    assertThat(answer).as("an answer").isNotNull();
    return answer;
  }

  private void send(DatagramSocket socket, String message) throws IOException {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", server.port())));
  }

  private static String receive(DatagramSocket socket) throws IOException {
    byte[] buffer = new byte[65_535];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
  }

  private static InetAddress loopback(String address) {
    try {
      return InetAddress.getByName(address);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
