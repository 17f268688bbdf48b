package io.tandem.notification;

import io.tandem.database.EventView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends each event as an RFC 5424 message to a syslog receiver: over UDP one datagram each (RFC 5426), which no
 * receiver acknowledges; over TCP on one kept connection, each message framed by its length in octets (RFC 6587
 * octet counting), reconnecting when the receiver closed it. TCP syslog has no acknowledgement either: a
 * message is taken as delivered once written, so before each write the sender checks that the receiver has not
 * closed the connection, which catches a receiver that stopped but not one that died without closing.
 * Used by one delivery thread.
 */
final class SyslogSender implements EventSender {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final SyslogEndpoint endpoint;
  private final String hostname;
  private final long procId;
  private DatagramChannel udp;
  private SocketChannel tcp;

  SyslogSender(SyslogEndpoint endpoint, String hostname, long procId) {
    this.endpoint = endpoint;
    this.hostname = hostname;
    this.procId = procId;
  }

  @Override
  public void send(EventView event) throws IOException {
    byte[] message = SyslogMessage.format(event, endpoint.facility(), hostname, procId)
        .getBytes(StandardCharsets.UTF_8);
    try {
      if (endpoint.transport() == SyslogTransport.UDP) {
        sendDatagram(message);
      } else {
        sendFrame(message);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void sendDatagram(byte[] message) throws IOException {
    if (udp == null) {
      udp = DatagramChannel.open();
      udp.connect(address());
    }
    udp.write(ByteBuffer.wrap(message));
  }

  private void sendFrame(byte[] message) throws IOException {
    if (tcp != null && closedByReceiver()) {
      close();
    }
    if (tcp == null) {
      tcp = SocketChannel.open();
      tcp.setOption(StandardSocketOptions.TCP_NODELAY, true);
      tcp.socket().connect(address(), (int) CONNECT_TIMEOUT.toMillis());
    }
    byte[] length = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
    ByteBuffer frame = ByteBuffer.allocate(length.length + message.length).put(length).put(message).flip();
    while (frame.hasRemaining()) {
      tcp.write(frame);
    }
  }

  /** A syslog receiver sends nothing: the end of its stream means it closed the connection. */
  private boolean closedByReceiver() throws IOException {
    tcp.configureBlocking(false);
    try {
      ByteBuffer ignored = ByteBuffer.allocate(256);
      int read;
      while ((read = tcp.read(ignored)) > 0) {
        ignored.clear();
      }
      return read < 0;
    } catch (IOException e) {
      return true;
    } finally {
      if (tcp.isOpen()) {
        tcp.configureBlocking(true);
      }
    }
  }

  private InetSocketAddress address() throws IOException {
    InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
    if (address.isUnresolved()) {
      throw new IOException("cannot resolve syslog host " + endpoint.host());
    }
    return address;
  }

  @Override
  public void close() {
    closeQuietly(udp);
    closeQuietly(tcp);
    udp = null;
    tcp = null;
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing more to do with a channel being dropped.
      }
    }
  }
}
