package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SipServerTest {
  private final AtomicInteger invites = new AtomicInteger();
  private final AtomicInteger acks = new AtomicInteger();
  private SipServer server;
  private DatagramSocket client;

  @BeforeEach
  void start() throws IOException {
    server = new SipServer((request, reply) -> {
      switch (request.method()) {
        case "INVITE" -> {
          invites.incrementAndGet();
          reply.send(SipMessage.responseTo(request, 200, "OK").build().withToTag("t1"));
        }
        case "ACK" -> acks.incrementAndGet();
        default -> reply.send(SipMessage.responseTo(request, 200, "OK").build());
      }
    });
    server.start("127.0.0.1", 0);
    client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    client.setSoTimeout(2000);
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop();
  }

  @Test
  void aRetransmittedInviteIsHandledOnceAndAnsweredAgain() throws IOException {
    send(request("INVITE", "call-1", "z9hG4bK-1", 1));
    assertThat(receive()).startsWith("SIP/2.0 200 OK");
    send(request("INVITE", "call-1", "z9hG4bK-1", 1));
    assertThat(receive()).startsWith("SIP/2.0 200 OK").contains("tag=t1");
    assertThat(invites).hasValue(1);
  }

  @Test
  void aTwoHundredToInviteIsRetransmittedUntilItsAck() throws IOException {
    send(request("INVITE", "call-2", "z9hG4bK-2", 1));
    List<String> responses = new ArrayList<>();
    responses.add(receive());
    responses.add(receive()); // the first retransmission, 500 ms later
    assertThat(responses).allSatisfy(r -> assertThat(r).startsWith("SIP/2.0 200 OK"));
    send(request("ACK", "call-2", "z9hG4bK-2a", 1));
    await().until(() -> acks.get() == 1);
    drainFor(Duration.ofMillis(300)); // a retransmission already on its way may still arrive
    assertThat(receiveWithin(Duration.ofMillis(1500))).as("nothing after the ACK").isNull();
  }

  @Test
  void aMalformedRequestWithItsHeadersIsAnswered400WithTheReason() throws IOException {
    send(request("INVITE", "call-3", "z9hG4bK-3", 1).replace("CSeq: 1 INVITE", "CSeq: one INVITE"));
    assertThat(receive()).startsWith("SIP/2.0 400").contains("CSeq");
    assertThat(invites).hasValue(0);
    assertThat(server.malformedCount()).isEqualTo(1);
  }

  @Test
  void garbageIsCountedAndNotAnswered() throws IOException {
    send("\u0000\u0001 not sip at all");
    assertThat(receiveWithin(Duration.ofMillis(500))).isNull();
    assertThat(server.malformedCount()).isEqualTo(1);
    send(request("OPTIONS", "call-4", "z9hG4bK-4", 1));
    assertThat(receive()).startsWith("SIP/2.0 200");
  }

  @Test
  void aRequestOverTcpIsAnsweredOnItsConnection() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write(request("OPTIONS", "call-5", "z9hG4bK-5", 1).replace("SIP/2.0/UDP", "SIP/2.0/TCP")
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      int read = in.read(buffer);
      assertThat(new String(buffer, 0, read, StandardCharsets.UTF_8)).startsWith("SIP/2.0 200 OK");
    }
  }

  private static String request(String method, String callId, String branch, int cseq) {
    return method + " sip:srs@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=" + branch + "\r\n"
        + "From: <sip:src@127.0.0.1>;tag=f1\r\n"
        + "To: <sip:srs@127.0.0.1>" + ("ACK".equals(method) ? ";tag=t1" : "") + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq + " " + method + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  private void send(String message) throws IOException {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", server.port())));
  }

  private String receive() throws IOException {
    String response = receiveWithin(Duration.ofSeconds(2));
    assertThat(response).as("a response").isNotNull();
    return response;
  }

  private String receiveWithin(Duration timeout) throws IOException {
    client.setSoTimeout((int) timeout.toMillis());
    byte[] buffer = new byte[65_535];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    try {
      client.receive(packet);
      return new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  private void drainFor(Duration duration) throws IOException {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end && receiveWithin(Duration.ofMillis(50)) != null) {
      // discard
    }
  }
}
