package io.tandem.it;

import io.tandem.capture.sip.CSeq;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import io.tandem.capture.sip.SipParser;
import io.tandem.capture.sip.SipStreamFramer;
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
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of one SIP dialog sent as raw bytes, as an SBC sends it: an INVITE exactly as given (so odd
 * shapes reach the recorder byte for byte), then ACK, re-INVITE and BYE built from it. Over UDP a request is
 * sent again every 500 ms until a final response arrives; over TCP it is written once on one connection.
 * Not thread-safe: one test thread drives a dialog.
 */
final class RawSipDialog implements AutoCloseable {
  private static final Duration RETRANSMIT = Duration.ofMillis(500);
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private final InetSocketAddress recorder;
  private final DatagramSocket udp;
  private final Socket tcp;
  private final SipStreamFramer framer = new SipStreamFramer();
  private SipMessage invite;
  private String toHeader;
  private long cseq;

  private RawSipDialog(InetSocketAddress recorder, boolean overTcp) throws IOException {
    this.recorder = recorder;
    InetAddress loopback = InetAddress.getLoopbackAddress();
    if (overTcp) {
      tcp = new Socket(recorder.getAddress(), recorder.getPort(), loopback, 0);
      tcp.setSoTimeout((int) RETRANSMIT.toMillis());
      udp = null;
    } else {
      udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
      udp.setSoTimeout((int) RETRANSMIT.toMillis());
      tcp = null;
    }
  }

  static RawSipDialog open(InetSocketAddress recorder, boolean overTcp) throws IOException {
    return new RawSipDialog(recorder, overTcp);
  }

  /** {@code host:port} this side sends from, for Via and Contact. */
  String localAddress() {
    return tcp != null ? "127.0.0.1:" + tcp.getLocalPort() : "127.0.0.1:" + udp.getLocalPort();
  }

  String transport() {
    return tcp != null ? "TCP" : "UDP";
  }

  /** Sends the INVITE as given and returns its final response; the dialog takes its To tag from a 2xx. */
  SipMessage invite(byte[] wire) throws IOException {
    invite = parse(wire);
    cseq = invite.cseq().number();
    SipMessage response = transact(wire, invite.cseq());
    if (response.status() / 100 == 2) {
      toHeader = response.header("To");
    }
    acknowledge(response, invite);
    return response;
  }

  /** A re-INVITE of the dialog with the initial INVITE's headers and {@code body}; returns its final response. */
  SipMessage reinvite(String body) throws IOException {
    cseq++;
    String request = inDialog("INVITE", cseq, "Contact: " + invite.header("Contact") + "\r\nContent-Type: "
        + invite.header("Content-Type") + "\r\n", body);
    SipMessage sent = parse(request.getBytes(StandardCharsets.UTF_8));
    SipMessage response = transact(request.getBytes(StandardCharsets.UTF_8), sent.cseq());
    acknowledge(response, sent);
    return response;
  }

  /** Ends an answered dialog; returns the BYE's final response. */
  SipMessage bye() throws IOException {
    cseq++;
    String request = inDialog("BYE", cseq, "", "");
    return transact(request.getBytes(StandardCharsets.UTF_8), new CSeq(cseq, "BYE"));
  }

  boolean answered() {
    return toHeader != null;
  }

  /** The body of the INVITE as sent, for a re-INVITE that changes part of it. */
  String inviteBody() {
    return new String(invite.body(), StandardCharsets.UTF_8);
  }

  private void acknowledge(SipMessage response, SipMessage request) throws IOException {
    if (response.status() < 200) {
      return;
    }
    // A 2xx is acknowledged in a transaction of its own; a failure within the INVITE's (RFC 3261 17.1.1.3).
    boolean success = response.status() / 100 == 2;
    String branch = success ? newBranch() : request.topViaBranch();
    String ack = "ACK " + invite.requestUri() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/" + transport() + " " + localAddress() + ";branch=" + branch + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: " + invite.header("From") + "\r\n"
        + "To: " + response.header("To") + "\r\n"
        + "Call-ID: " + invite.callId() + "\r\n"
        + "CSeq: " + request.cseq().number() + " ACK\r\n"
        + "Content-Length: 0\r\n\r\n";
    send(ack.getBytes(StandardCharsets.UTF_8));
  }

  private String inDialog(String method, long number, String extraHeaders, String body) {
    if (toHeader == null) {
      throw new IllegalStateException("the INVITE of " + invite.callId() + " was not answered 2xx");
    }
    return method + " " + invite.requestUri() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/" + transport() + " " + localAddress() + ";branch=" + newBranch() + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: " + invite.header("From") + "\r\n"
        + "To: " + toHeader + "\r\n"
        + "Call-ID: " + invite.callId() + "\r\n"
        + "CSeq: " + number + " " + method + "\r\n"
        + extraHeaders
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }

  /** Sends a request (again every 500 ms over UDP) until the final response of its CSeq arrives. */
  private SipMessage transact(byte[] request, CSeq cseq) throws IOException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    send(request);
    boolean provisional = false;
    while (System.nanoTime() < deadline) {
      SipMessage message = receive();
      if (message == null) {
        // No answer yet: over UDP the request may be lost; an INVITE with a provisional answer is not resent.
        if (udp != null && !(provisional && cseq.method().equals("INVITE"))) {
          send(request);
        }
        continue;
      }
      if (message.isRequest() || !message.cseq().equals(cseq)) {
        continue;
      }
      if (message.status() >= 200) {
        return message;
      }
      provisional = true;
    }
    throw new IOException("no final response to " + cseq + " from " + recorder + " within " + LIMIT);
  }

  private void send(byte[] bytes) throws IOException {
    if (tcp != null) {
      tcp.getOutputStream().write(bytes);
      tcp.getOutputStream().flush();
    } else {
      udp.send(new DatagramPacket(bytes, bytes.length, recorder));
    }
  }

  /** The next message from the recorder, or null when none came within the retransmission interval. */
  private SipMessage receive() throws IOException {
    try {
      if (udp != null) {
        byte[] buffer = new byte[65_535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        udp.receive(packet);
        return SipParser.parse(buffer, 0, packet.getLength());
      }
      SipMessage framed = framer.next();
      if (framed != null) {
        return framed;
      }
      byte[] buffer = new byte[16_384];
      InputStream input = tcp.getInputStream();
      int read = input.read(buffer);
      if (read < 0) {
        throw new IOException("the recorder closed the TCP connection");
      }
      framer.feed(buffer, 0, read);
      return framer.next();
    } catch (SocketTimeoutException e) {
      return null;
    } catch (SipParseException e) {
      throw new IOException("the recorder sent a message that cannot be parsed: " + e.getMessage(), e);
    }
  }

  private static SipMessage parse(byte[] wire) throws IOException {
    try {
      return SipParser.parse(wire);
    } catch (SipParseException e) {
      throw new IOException("the corpus offer is not a SIP message: " + e.getMessage(), e);
    }
  }

  private static String newBranch() {
    return "z9hG4bK" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }

  @Override
  public void close() throws IOException {
    if (tcp != null) {
      tcp.close();
    } else {
      udp.close();
    }
  }
}
