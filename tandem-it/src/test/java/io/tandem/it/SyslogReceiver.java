package io.tandem.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A syslog receiver on loopback, over UDP (one message per datagram) or TCP (RFC 6587 octet-counted frames): it
 * keeps each RFC 5424 message it gets, in order, and counts what does not parse. It can be stopped (closing its
 * socket and every connection) and started again on its port. Thread-safe.
 */
final class SyslogReceiver implements AutoCloseable {
  /** PRI, version 1, timestamp, host, app, procid, msgid, the tandem structured data element, BOM and text. */
  private static final Pattern RFC5424 = Pattern.compile("<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) "
      + "\\[tandem@32473((?: [^= \\]\"]{1,32}=\"(?:[^\"\\\\\\]]|\\\\[\"\\\\\\]])*\")*)\\] \uFEFF(.*)", Pattern.DOTALL);
  private static final Pattern EVENT_ID = Pattern.compile(" eventId=\"(\\d+)\"");

  /** One message as received. */
  record Message(int priority, String msgId, long eventId, String structuredData, String text) {}

  final int port;
  private final boolean tcp;
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final List<String> malformed = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> open = new ArrayList<>();

  SyslogReceiver(boolean tcp) throws IOException {
    this.tcp = tcp;
    this.port = RecorderProcess.freePort();
  }

  synchronized SyslogReceiver start() throws IOException {
    if (tcp) {
      ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
      open.add(server);
      Thread.ofVirtual().start(() -> acceptAll(server));
    } else {
      DatagramSocket socket = new DatagramSocket(port, InetAddress.getLoopbackAddress());
      open.add(socket);
      Thread.ofVirtual().start(() -> receiveAll(socket));
    }
    return this;
  }

  synchronized void stop() {
    for (AutoCloseable closeable : open) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Stopping anyway.
      }
    }
    open.clear();
  }

  List<Message> messages() {
    return List.copyOf(messages);
  }

  List<String> malformed() {
    return List.copyOf(malformed);
  }

  private void acceptAll(ServerSocket server) {
    try {
      while (true) {
        Socket connection = server.accept();
        synchronized (this) {
          open.add(connection);
        }
        Thread.ofVirtual().start(() -> readFrames(connection));
      }
    } catch (IOException e) {
      // The receiver was stopped.
    }
  }

  private void readFrames(Socket connection) {
    try (InputStream in = connection.getInputStream()) {
      while (true) {
        int length = 0;
        int c = in.read();
        if (c < 0) {
          return;
        }
        for (; c != ' '; c = in.read()) {
          if (c < '0' || c > '9') {
            malformed.add("a frame length with '" + (char) c + "'");
            return;
          }
          length = length * 10 + c - '0';
        }
        byte[] message = in.readNBytes(length);
        if (message.length < length) {
          malformed.add("a frame cut short");
          return;
        }
        keep(new String(message, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The receiver was stopped, or the sender went away.
    }
  }

  private void receiveAll(DatagramSocket socket) {
    byte[] buffer = new byte[65_535];
    try {
      while (true) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        keep(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
      }
    } catch (SocketException e) {
      // The receiver was stopped.
    } catch (IOException e) {
      malformed.add(e.toString());
    }
  }

  private void keep(String text) {
    Matcher message = RFC5424.matcher(text);
    Matcher id = message.matches() ? EVENT_ID.matcher(message.group(7)) : null;
    if (id == null || !id.find()) {
      malformed.add(text);
      return;
    }
    messages.add(new Message(Integer.parseInt(message.group(1)), message.group(6), Long.parseLong(id.group(1)),
        message.group(7), message.group(8)));
  }

  @Override
  public void close() {
    stop();
  }
}
