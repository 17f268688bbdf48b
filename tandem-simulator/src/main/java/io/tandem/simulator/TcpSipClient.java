package io.tandem.simulator;

import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import io.tandem.capture.sip.SipStreamFramer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * SIP over TCP, or over TLS when given a TLS socket factory: one connection per recorder, opened on first use
 * (a TLS one handshaken, the recorder's certificate checked against the address called), messages framed by
 * Content-Length. No retransmissions (the connection is reliable). Thread-safe.
 */
final class TcpSipClient extends SipClientTransport {
  private final Map<InetSocketAddress, Connection> connections = new ConcurrentHashMap<>();
  private final SSLSocketFactory tls;

  TcpSipClient(ScheduledExecutorService timers) {
    this(timers, null);
  }

  TcpSipClient(ScheduledExecutorService timers, SSLSocketFactory tls) {
    super(timers);
    this.tls = tls;
  }

  @Override
  String viaTransport() {
    return tls == null ? "TCP" : "TLS";
  }

  @Override
  InetSocketAddress localAddress(InetSocketAddress recorder) throws IOException {
    return (InetSocketAddress) connection(recorder).socket.getLocalSocketAddress();
  }

  @Override
  void send(SipMessage message, InetSocketAddress to) throws IOException {
    Connection connection = connection(to);
    byte[] bytes = message.toBytes();
    synchronized (connection.output) {
      connection.output.write(bytes);
      connection.output.flush();
    }
  }

  private Connection connection(InetSocketAddress recorder) throws IOException {
    try {
      return connections.computeIfAbsent(recorder, address -> {
        try {
          return new Connection(address);
        } catch (IOException e) {
          throw new ConnectFailed(e);
        }
      });
    } catch (ConnectFailed e) {
      throw new IOException("cannot connect to recorder " + recorder + " over " + viaTransport() + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() throws IOException {
    for (Connection connection : connections.values()) {
      connection.socket.close();
      awaitEnd(connection.reader);
    }
  }

  /** TLS over a connected socket; the recorder's certificate must name the host or IP address called (RFC 5922). */
  private Socket handshake(Socket plain, InetSocketAddress recorder) throws IOException {
    SSLSocket socket = (SSLSocket) tls.createSocket(plain, recorder.getHostString(), recorder.getPort(), true);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    socket.setSoTimeout(0);
    return socket;
  }

  private static final class ConnectFailed extends RuntimeException {
    ConnectFailed(IOException cause) {
      super(cause);
    }
  }

  private final class Connection {
    final InetSocketAddress recorder;
    final Socket socket;
    final OutputStream output;
    final Thread reader;

    Connection(InetSocketAddress recorder) throws IOException {
      this.recorder = recorder;
      Socket plain = new Socket();
      plain.setTcpNoDelay(true);
      plain.connect(recorder, 5000);
      this.socket = tls == null ? plain : handshake(plain, recorder);
      this.output = socket.getOutputStream();
      this.reader = Thread.ofPlatform().daemon().name("simulator-sip-" + viaTransport().toLowerCase(java.util.Locale.ROOT) + "-" + recorder.getPort()).start(this::read);
    }

    private void read() {
      SipStreamFramer framer = new SipStreamFramer();
      byte[] buffer = new byte[16 * 1024];
      try (InputStream input = socket.getInputStream()) {
        int count;
        while ((count = input.read(buffer)) >= 0) {
          framer.feed(buffer, 0, count);
          for (SipMessage message = framer.next(); message != null; message = framer.next()) {
            received(message, recorder);
          }
        }
        failTransactionsTo(recorder, new IOException("recorder " + recorder + " closed the TCP connection"));
      } catch (IOException | SipParseException e) {
        failTransactionsTo(recorder, new IOException("TCP connection to " + recorder + " failed: " + e.getMessage()));
      } finally {
        connections.remove(recorder, this);
        closeQuietly();
      }
    }

    private void closeQuietly() {
      try {
        socket.close();
      } catch (IOException e) {
        // Already failed; nothing more to release.
      }
    }
  }
}
