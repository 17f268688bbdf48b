package io.tandem.simulator;

import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import io.tandem.capture.sip.SipParser;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * SIP over one UDP socket on one local address: retransmits requests from 500 ms, doubling (INVITE until a
 * provisional response, others capped at 4 s), and resends the ACK when a 200 to an INVITE is
 * retransmitted. Thread-safe.
 */
final class UdpSipClient extends SipClientTransport {
  private static final long T1_MILLIS = 500;
  private static final long T2_MILLIS = 4000;

  private final DatagramSocket socket;
  private final Map<String, SipMessage> acksByCallId = new ConcurrentHashMap<>();
  private final Thread receiver;

  UdpSipClient(ScheduledExecutorService timers, InetAddress local) throws IOException {
    super(timers);
    this.socket = new DatagramSocket(new InetSocketAddress(local, 0));
    this.receiver = Thread.ofPlatform().daemon().name("simulator-sip-udp").start(this::receive);
  }

  @Override
  String viaTransport() {
    return "UDP";
  }

  @Override
  InetSocketAddress localAddress(InetSocketAddress recorder) {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  @Override
  void send(SipMessage message, InetSocketAddress to) throws IOException {
    byte[] bytes = message.toBytes();
    socket.send(new DatagramPacket(bytes, bytes.length, to));
    if (message.isRequest() && message.method().equals("ACK")) {
      acksByCallId.put(message.callId(), message);
    } else if (message.isRequest() && message.method().equals("BYE")) {
      acksByCallId.remove(message.callId());
    }
  }

  @Override
  void startRetransmissions(Transaction transaction) {
    schedule(transaction, T1_MILLIS);
  }

  private void schedule(Transaction transaction, long delayMillis) {
    transaction.retransmit = timers.schedule(() -> {
      boolean invite = transaction.request.method().equals("INVITE");
      if (transaction.done() || (invite && transaction.provisional)) {
        return;
      }
      try {
        send(transaction.request, transaction.to);
      } catch (IOException e) {
        transaction.finalResponse.completeExceptionally(e);
        return;
      }
      schedule(transaction, invite ? delayMillis * 2 : Math.min(delayMillis * 2, T2_MILLIS));
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void unmatchedResponse(SipMessage response, InetSocketAddress from) {
    SipMessage ack = acksByCallId.get(String.valueOf(response.callId()));
    if (ack != null && response.status() / 100 == 2 && response.cseq().method().equals("INVITE")) {
      try {
        send(ack, from);
      } catch (IOException e) {
        // The recorder retransmits its 200 again; the next one gets another ACK.
      }
    }
  }

  private void receive() {
    byte[] buffer = new byte[65_535];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    while (!socket.isClosed()) {
      try {
        packet.setLength(buffer.length);
        socket.receive(packet);
        SipMessage message = SipParser.parse(buffer, packet.getOffset(), packet.getLength());
        received(message, (InetSocketAddress) packet.getSocketAddress());
      } catch (SipParseException e) {
        // A malformed datagram is dropped, as RFC 3261 asks.
      } catch (SocketException e) {
        return;
      } catch (IOException e) {
        // Loopback receive errors are transient; keep listening.
      }
    }
  }

  @Override
  public void close() {
    socket.close();
    awaitEnd(receiver);
  }
}
