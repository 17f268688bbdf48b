package io.tandem.capture.sip;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP over UDP and TCP on one host and port. Each request is parsed, passed through the transaction
 * layer, and handed to the {@link SipHandler} on a virtual thread; a malformed one is answered 400 with
 * the parser's reason when it carries enough headers to be answered, and dropped and counted otherwise.
 * Nothing a peer sends can stop the server. Thread-safe; {@link #stop()} closes every socket.
 */
public final class SipServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SipServer.class);
  private static final int MAX_DATAGRAM = 65_535;
  /** How many system-picked ports are tried before giving up on finding one free for both transports. */
  private static final int EPHEMERAL_ATTEMPTS = 20;

  private final SipHandler handler;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("sip-timers").daemon().factory());
  private final SipTransactions transactions = new SipTransactions(timers);
  private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private DatagramChannel udp;
  private ServerSocketChannel tcp;
  private volatile boolean running;

  public SipServer(SipHandler handler) {
    this.handler = handler;
  }

  /**
   * Binds UDP and TCP on the same port. With port 0 the system picks a free UDP port and TCP takes the same
   * number; when that number is taken for TCP, another UDP port is tried.
   */
  public void start(String host, int port) throws IOException {
    for (int attempt = 1; ; attempt++) {
      udp = DatagramChannel.open();
      udp.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      bind(() -> udp.bind(new InetSocketAddress(host, port)), "UDP", host, port);
      int bound = ((InetSocketAddress) udp.getLocalAddress()).getPort();
      tcp = ServerSocketChannel.open();
      tcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      try {
        bind(() -> tcp.bind(new InetSocketAddress(host, bound)), "TCP", host, bound);
        break;
      } catch (BindException e) {
        if (port != 0 || attempt == EPHEMERAL_ATTEMPTS) {
          throw e;
        }
      }
    }
    int bound = port();
    running = true;
    Thread.ofPlatform().name("sip-udp").daemon().start(this::receiveUdp);
    Thread.ofPlatform().name("sip-tcp-accept").daemon().start(this::acceptTcp);
    log.info("SIP listening on {}:{} (UDP and TCP)", host, bound);
  }

  public int port() {
    try {
      return ((InetSocketAddress) udp.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("SIP server is not bound", e);
    }
  }

  /** Requests answered 400 or dropped because they could not be parsed. */
  public long malformedCount() {
    return malformed.get();
  }

  private interface Binding {
    void bind() throws IOException;
  }

  /** Binds, naming the SIP port and transport when it is taken, so the operator knows which one. */
  private void bind(Binding binding, String transport, String host, int port) throws IOException {
    try {
      binding.bind();
    } catch (BindException e) {
      closeQuietly(udp);
      closeQuietly(tcp);
      BindException named = new BindException("SIP port " + host + ":" + port + " (" + transport
          + ") is already in use");
      named.initCause(e);
      throw named;
    }
  }

  public long requestCount() {
    return requests.get();
  }

  private void receiveUdp() {
    ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
    while (running) {
      try {
        buffer.clear();
        SocketAddress source = udp.receive(buffer);
        byte[] data = new byte[buffer.position()];
        buffer.flip().get(data);
        dispatch(data, new UdpReply(source));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("SIP UDP receive failed; going on", e);
      }
    }
  }

  private void acceptTcp() {
    while (running) {
      try {
        SocketChannel connection = tcp.accept();
        connections.add(connection);
        workers.execute(() -> serveTcp(connection));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        log.warn("SIP TCP accept failed; going on", e);
      }
    }
  }

  private void serveTcp(SocketChannel connection) {
    SipStreamFramer framer = new SipStreamFramer();
    TcpReply reply = new TcpReply(connection);
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    try (connection) {
      while (running && connection.read(buffer.clear()) >= 0) {
        framer.feed(buffer.array(), 0, buffer.position());
        SipMessage message;
        while ((message = nextFramed(framer, connection)) != null) {
          SipMessage framed = message;
          workers.execute(() -> handleMessage(framed, reply));
        }
      }
    } catch (FramingException e) {
      log.warn("SIP TCP connection from {} closed: {}", reply.peer, e.getMessage());
    } catch (IOException e) {
      log.debug("SIP TCP connection from {} ended: {}", reply.peer, e.getMessage());
    } finally {
      connections.remove(connection);
    }
  }

  private SipMessage nextFramed(SipStreamFramer framer, SocketChannel connection) throws FramingException {
    try {
      return framer.next();
    } catch (SipParseException e) {
      // A stream that cannot be framed cannot be resynchronised: count it and drop the connection.
      malformed.incrementAndGet();
      throw new FramingException(e.getMessage());
    }
  }

  private void dispatch(byte[] data, SipReply reply) {
    SipMessage message;
    try {
      message = SipParser.parse(data, 0, data.length);
    } catch (SipParseException e) {
      malformed.incrementAndGet();
      BadRequest.answer(data, e.getMessage(), reply);
      return;
    }
    workers.execute(() -> handleMessage(message, reply));
  }

  private void handleMessage(SipMessage message, SipReply reply) {
    if (!message.isRequest()) {
      return; // A recording server sends no requests, so any response is stray.
    }
    requests.incrementAndGet();
    if ("ACK".equals(message.method())) {
      transactions.acknowledged(message);
      handle(message, reply);
      return;
    }
    if (!transactions.begin(message, reply)) {
      return;
    }
    handle(message, new SipReply() {
      @Override
      public void send(SipMessage response) {
        transactions.answer(message, response, reply);
      }

      @Override
      public boolean reliable() {
        return reply.reliable();
      }
    });
  }

  private void handle(SipMessage request, SipReply reply) {
    try {
      handler.handle(request, reply);
    } catch (RuntimeException e) {
      log.error("SIP {} {} failed", request.method(), request.callId(), e);
      if (!"ACK".equals(request.method())) {
        reply.send(SipMessage.responseTo(request, 500, "Server Internal Error").build());
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  public void stop() {
    running = false;
    closeQuietly(udp);
    closeQuietly(tcp);
    connections.forEach(SipServer::closeQuietly);
    timers.shutdownNow();
    workers.shutdownNow();
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      if (closeable != null) {
        closeable.close();
      }
    } catch (IOException e) {
      log.debug("closing {} failed", closeable, e);
    }
  }

  private final class UdpReply implements SipReply {
    private final SocketAddress peer;

    UdpReply(SocketAddress peer) {
      this.peer = peer;
    }

    @Override
    public void send(SipMessage response) {
      try {
        udp.send(ByteBuffer.wrap(response.toBytes()), peer);
      } catch (IOException e) {
        log.warn("SIP UDP send to {} failed: {}", peer, e.getMessage());
      }
    }

    @Override
    public boolean reliable() {
      return false;
    }
  }

  private static final class TcpReply implements SipReply {
    private final SocketChannel connection;
    private final String peer;

    TcpReply(SocketChannel connection) {
      this.connection = connection;
      String address;
      try {
        address = String.valueOf(connection.getRemoteAddress());
      } catch (IOException e) {
        address = "?";
      }
      this.peer = address;
    }

    @Override
    public void send(SipMessage response) {
      ByteBuffer bytes = ByteBuffer.wrap(response.toBytes());
      synchronized (connection) {
        try {
          while (bytes.hasRemaining()) {
            connection.write(bytes);
          }
        } catch (IOException e) {
          // The peer closed the connection; what it asked for was already done before this answer.
          log.debug("SIP TCP send to {} failed: {}", peer, e.getMessage());
        }
      }
    }

    @Override
    public boolean reliable() {
      return true;
    }
  }

  private static final class FramingException extends Exception {
    FramingException(String message) {
      super(message);
    }
  }
}
