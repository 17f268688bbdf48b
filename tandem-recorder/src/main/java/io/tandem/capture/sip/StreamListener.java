package io.tandem.capture.sip;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP over TCP or TLS on one listening socket. A connection from outside the allow-list is counted and closed (over
 * TCP its first request is answered 403 first, as often as the refusal gate lets it; over TLS no handshake is
 * spent on it); one past the connection limit is counted and closed at once. Each connection is read on a virtual
 * thread, its messages framed by Content-Length and handed to the server; one silent for the idle limit, or whose
 * stream cannot be framed, is closed and counted. TLS connections are handshaken within the handshake time.
 * Thread-safe; {@link #close()} closes the listening socket and every connection.
 */
final class StreamListener implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StreamListener.class);
  /** A TLS handshake, or a refused TCP peer's first request, must come within this (or the idle limit if shorter). */
  private static final int HANDSHAKE_MILLIS = 10_000;

  /** Where the messages read go. */
  interface Intake {
    void received(SipMessage message, SipReply reply);

    /** A stream that could not be framed: counted; its connection is closed. */
    void malformed();

    /** Answers the first request of a connection from outside the allow-list. */
    void refuse(SipMessage request, SipReply reply);
  }

  private final SipTransport transport;
  private final ServerSocket server;
  private final AllowList allowed;
  private final SipLimits limits;
  private final SipRefusals refusals;
  private final RefusalGate gate;
  private final AtomicInteger open;
  private final ExecutorService workers;
  private final Intake intake;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final RefusalGate logGate = new RefusalGate(1);
  final AtomicInteger handshakeFailures = new AtomicInteger();

  StreamListener(SipTransport transport, ServerSocket server, AllowList allowed, SipLimits limits,
      SipRefusals refusals, RefusalGate gate, AtomicInteger open, ExecutorService workers, Intake intake) {
    this.transport = transport;
    this.server = server;
    this.allowed = allowed;
    this.limits = limits;
    this.refusals = refusals;
    this.gate = gate;
    this.open = open;
    this.workers = workers;
    this.intake = intake;
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void run() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.warn("SIP {} accept failed; going on", transport, e);
        }
        continue;
      }
      admit(socket);
    }
  }

  private void admit(Socket socket) {
    InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
    if (remote == null || !allowed.allows(remote.getAddress())) {
      refusals.source(transport);
      if (logGate.tryPass()) {
        log.warn("SIP {} connection from {} refused: not on the SBC allow-list (sip.allow)", transport, remote);
      }
      if (transport == SipTransport.TCP && remote != null && gate.tryPass()) {
        workers.execute(() -> refuseFirstRequest(socket, remote));
      } else {
        closeQuietly(socket);
      }
      return;
    }
    if (open.incrementAndGet() > limits.maxTcpConnections()) {
      open.decrementAndGet();
      refusals.limit(SipLimit.TCP_CONNECTIONS);
      if (logGate.tryPass()) {
        log.warn("SIP {} connection from {} refused: {} connections open, the limit (sip.maxTcpConnections)",
            transport, remote, limits.maxTcpConnections());
      }
      closeQuietly(socket);
      return;
    }
    connections.add(socket);
    workers.execute(() -> serve(socket, new SipPeer(transport, remote)));
  }

  private void serve(Socket socket, SipPeer peer) {
    StreamReply reply = new StreamReply(socket, peer);
    try (socket) {
      socket.setTcpNoDelay(true);
      if (socket instanceof SSLSocket tls && !handshake(tls, peer)) {
        return;
      }
      socket.setSoTimeout((int) limits.tcpIdleTimeout().toMillis());
      read(socket.getInputStream(), reply, intake::received);
    } catch (SocketTimeoutException e) {
      refusals.limit(SipLimit.TCP_IDLE);
      log.info("SIP {} connection from {} closed: silent for {} (sip.tcpIdleTimeout)", transport, peer,
          limits.tcpIdleTimeout());
    } catch (FramingException e) {
      intake.malformed();
      log.warn("SIP {} connection from {} closed: {}", transport, peer, e.getMessage());
    } catch (IOException e) {
      log.debug("SIP {} connection from {} ended: {}", transport, peer, e.getMessage());
    } finally {
      connections.remove(socket);
      open.decrementAndGet();
    }
  }

  private boolean handshake(SSLSocket tls, SipPeer peer) throws IOException {
    tls.setSoTimeout((int) Math.min(HANDSHAKE_MILLIS, limits.tcpIdleTimeout().toMillis()));
    try {
      tls.startHandshake();
      return true;
    } catch (SSLException | SocketTimeoutException e) {
      handshakeFailures.incrementAndGet();
      if (logGate.tryPass()) {
        log.warn("SIP TLS handshake with {} failed: {}", peer, e.getMessage());
      }
      return false;
    }
  }

  /** Reads framed messages until the peer closes; {@code handler} takes each, with the reply to its connection. */
  private static void read(InputStream input, SipReply reply, java.util.function.BiConsumer<SipMessage, SipReply> handler)
      throws IOException, FramingException {
    SipStreamFramer framer = new SipStreamFramer();
    byte[] buffer = new byte[16 * 1024];
    int count;
    while ((count = input.read(buffer)) >= 0) {
      framer.feed(buffer, 0, count);
      for (SipMessage message = next(framer); message != null; message = next(framer)) {
        handler.accept(message, reply);
      }
    }
  }

  /** Answers the first request of a refused TCP peer, if it comes soon, and closes its connection. */
  private void refuseFirstRequest(Socket socket, InetSocketAddress remote) {
    StreamReply reply = new StreamReply(socket, new SipPeer(transport, remote));
    try (socket) {
      socket.setSoTimeout(HANDSHAKE_MILLIS);
      read(socket.getInputStream(), reply, (message, to) -> {
        intake.refuse(message, to);
        throw new Answered();
      });
    } catch (IOException | FramingException | Answered e) {
      log.debug("SIP TCP connection from {} refused and closed", remote);
    }
  }

  private static SipMessage next(SipStreamFramer framer) throws FramingException {
    try {
      return framer.next();
    } catch (SipParseException e) {
      // A stream that cannot be framed cannot be resynchronised: the connection is dropped.
      throw new FramingException(e.getMessage());
    }
  }

  void close() {
    closeQuietly(server);
    connections.forEach(StreamListener::closeQuietly);
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      log.debug("closing {} failed", closeable, e);
    }
  }

  private static final class FramingException extends Exception {
    FramingException(String message) {
      super(message);
    }
  }

  /** Ends the reading of a refused connection once its first request is answered. */
  private static final class Answered extends RuntimeException {
    Answered() {
      super(null, null, false, false);
    }
  }
}
