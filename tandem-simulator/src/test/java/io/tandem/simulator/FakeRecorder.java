package io.tandem.simulator;

import io.tandem.capture.rtp.RtpPacket;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import io.tandem.capture.sip.SipParser;
import io.tandem.capture.sip.SipStreamFramer;
import io.tandem.capture.siprec.OfferedStream;
import io.tandem.capture.siprec.SiprecAnswer;
import io.tandem.capture.siprec.SiprecException;
import io.tandem.capture.siprec.SiprecOffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A recorder stand-in for tests: answers SIPREC INVITEs over UDP and TCP and keeps the RTP it receives. */
final class FakeRecorder implements AutoCloseable {
  /** What arrived for one offered stream of one call. */
  record ReceivedStream(String sessionId, String label, int payloadType, ByteArrayOutputStream audio,
      List<Integer> sequences) {}

  final List<String> sessionIds = new CopyOnWriteArrayList<>();
  /** The body of every INVITE answered, as text. */
  final List<String> inviteBodies = new CopyOnWriteArrayList<>();
  final List<ReceivedStream> streams = new CopyOnWriteArrayList<>();
  final Map<String, Boolean> byes = new ConcurrentHashMap<>();
  private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
  private final int refuseStatus;
  private final DatagramSocket sip;
  private final ServerSocket tcp;
  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();

  FakeRecorder(int refuseStatus) throws IOException {
    this.refuseStatus = refuseStatus;
    Ports ports = bindSipPorts();
    this.sip = ports.udp();
    this.tcp = ports.tcp();
    Thread.ofPlatform().daemon().start(this::serveUdp);
    Thread.ofPlatform().daemon().start(this::serveTcp);
  }

  private record Ports(DatagramSocket udp, ServerSocket tcp) {}

  /** SIP over UDP and TCP on one port number: a free UDP port's TCP twin may be taken, so others are tried. */
  private static Ports bindSipPorts() throws IOException {
    for (int attempt = 1; ; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        return new Ports(udp, new ServerSocket(udp.getLocalPort(), 50, InetAddress.getLoopbackAddress()));
      } catch (BindException e) {
        udp.close();
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", sip.getLocalPort());
  }

  String hostPort() {
    return "127.0.0.1:" + sip.getLocalPort();
  }

  private void serveUdp() {
    byte[] buffer = new byte[65_535];
    while (!sip.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        sip.receive(packet);
        SipMessage request = SipParser.parse(buffer, 0, packet.getLength());
        SocketAddressReply reply = bytes -> sip.send(new DatagramPacket(bytes, bytes.length, packet.getSocketAddress()));
        handle(request, reply);
      } catch (IOException | SipParseException e) {
        if (sip.isClosed()) {
          return;
        }
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try {
        Socket socket = tcp.accept();
        resources.add(socket);
        Thread.ofPlatform().daemon().start(() -> serveConnection(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serveConnection(Socket socket) {
    SipStreamFramer framer = new SipStreamFramer();
    byte[] buffer = new byte[8192];
    try (InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      int count;
      while ((count = in.read(buffer)) >= 0) {
        framer.feed(buffer, 0, count);
        for (SipMessage message = framer.next(); message != null; message = framer.next()) {
          handle(message, bytes -> {
            synchronized (out) {
              out.write(bytes);
            }
          });
        }
      }
    } catch (IOException | SipParseException e) {
      // The test is over or the simulator closed its connection.
    }
  }

  private interface SocketAddressReply {
    void send(byte[] bytes) throws IOException;
  }

  /** A retransmitted request gets the answer its first copy got, as a server transaction would give it. */
  private synchronized void handle(SipMessage request, SocketAddressReply reply) throws IOException {
    if (!request.isRequest() || request.method().equals("ACK")) {
      return;
    }
    String transaction = request.callId() + " " + request.cseq();
    byte[] earlier = answers.get(transaction);
    if (earlier != null) {
      reply.send(earlier);
      return;
    }
    answer(request, bytes -> {
      answers.put(transaction, bytes);
      reply.send(bytes);
    });
  }

  private void answer(SipMessage request, SocketAddressReply reply) throws IOException {
    if (request.method().equals("BYE")) {
      byes.put(request.callId(), true);
      reply.send(SipMessage.responseTo(request, 200, "OK").build().toBytes());
      return;
    }
    if (refuseStatus != 0) {
      reply.send(SipMessage.responseTo(request, refuseStatus, "Refused by test").build().withToTag("t").toBytes());
      return;
    }
    try {
      SiprecOffer offer = SiprecOffer.from(request);
      sessionIds.add(offer.sessionId());
      inviteBodies.add(new String(request.body(), StandardCharsets.UTF_8));
      List<Integer> ports = new ArrayList<>();
      for (OfferedStream stream : offer.streams()) {
        ports.add(listen(offer.sessionId(), stream));
      }
      String sdp = SiprecAnswer.sdp("127.0.0.1", 1, offer.streams(), ports);
      reply.send(SipMessage.responseTo(request, 200, "OK").body("application/sdp", sdp.getBytes(StandardCharsets.UTF_8))
          .build().withToTag("rec" + sessionIds.size()).toBytes());
    } catch (SiprecException e) {
      reply.send(SipMessage.responseTo(request, e.status(), e.reason()).build().toBytes());
    }
  }

  private int listen(String sessionId, OfferedStream offered) throws IOException {
    DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    resources.add(rtp);
    ReceivedStream stream = new ReceivedStream(sessionId, offered.label(), offered.payloadType(),
        new ByteArrayOutputStream(), new CopyOnWriteArrayList<>());
    streams.add(stream);
    Consumer<RtpPacket> sink = packet -> {
      synchronized (stream.audio()) {
        stream.audio().write(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
      }
      stream.sequences().add(packet.sequence());
    };
    Thread.ofPlatform().daemon().start(() -> {
      byte[] buffer = new byte[2048];
      RtpPacket packet = new RtpPacket();
      while (!rtp.isClosed()) {
        try {
          DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
          rtp.receive(datagram);
          if (packet.parse(buffer, 0, datagram.getLength())) {
            sink.accept(packet);
          }
        } catch (IOException e) {
          return;
        }
      }
    });
    return rtp.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    sip.close();
    tcp.close();
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }
}
