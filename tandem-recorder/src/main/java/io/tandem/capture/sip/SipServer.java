package io.tandem.capture.sip;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP over UDP and TCP on one host and port, and over TLS on another when started so. Only sources on the
 * allow-list are served: a datagram from any other is counted and answered 403 as often as the refusal gate lets
 * it (a flood is only counted), a TCP connection likewise (see {@link StreamListener}), a TLS connection is closed
 * unread. TCP and TLS connections are capped together and closed when idle. Each request is parsed, passed
 * through the transaction layer, and handed to the {@link SipHandler} on a virtual thread; a malformed one is
 * answered 400 with the parser's reason when it carries enough headers to be answered, and dropped and counted
 * otherwise. Nothing a peer sends can stop the server. Thread-safe; {@link #stop()} closes every socket.
 */
public final class SipServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SipServer.class);
  private static final int MAX_DATAGRAM = 65_535;
  /** How many system-picked ports are tried before giving up on finding one free for both transports. */
  private static final int EPHEMERAL_ATTEMPTS = 20;
  /** 403s a second to sources outside the allow-list: enough to tell a misconfigured SBC, too few to reflect a flood. */
  private static final int REFUSALS_PER_SECOND = 20;
  private static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final SipHandler handler;
  private final AllowList allowed;
  private final SipLimits limits;
  private final SipRefusals refusals;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("sip-timers").daemon().factory());
  private final SipTransactions transactions = new SipTransactions(timers);
  private final RefusalGate refusalGate = new RefusalGate(REFUSALS_PER_SECOND);
  private final RefusalGate refusalLog = new RefusalGate(1);
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final StreamListener.Intake intake = new StreamListener.Intake() {
    @Override
    public void received(SipMessage message, SipReply reply) {
      workers.execute(() -> handleMessage(message, reply));
    }

    @Override
    public void malformed() {
      malformed.incrementAndGet();
    }

    @Override
    public void refuse(SipMessage request, SipReply reply) {
      forbid(request, reply);
    }
  };
  private DatagramChannel udp;
  private StreamListener tcp;
  private StreamListener tls;
  private volatile boolean running;

  /** A server that takes SIP from anywhere, within the default limits: for tests that exercise neither. */
  public SipServer(SipHandler handler) {
    this(handler, AllowList.ANY, SipLimits.DEFAULTS, new SipRefusals());
  }

  public SipServer(SipHandler handler, AllowList allowed, SipLimits limits, SipRefusals refusals) {
    this.handler = handler;
    this.allowed = allowed;
    this.limits = limits;
    this.refusals = refusals;
  }

  /**
   * Binds UDP and TCP on the same port. With port 0 the system picks a free UDP port and TCP takes the same
   * number; when that number is taken for TCP, another UDP port is tried.
   */
  public void start(String host, int port) throws IOException {
    ServerSocket stream;
    for (int attempt = 1; ; attempt++) {
      udp = DatagramChannel.open();
      udp.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      bind(() -> udp.bind(new InetSocketAddress(host, port)), "UDP", host, port);
      int bound = ((InetSocketAddress) udp.getLocalAddress()).getPort();
      stream = new ServerSocket();
      stream.setReuseAddress(true);
      ServerSocket listening = stream;
      try {
        bind(() -> listening.bind(new InetSocketAddress(host, bound), 128), "TCP", host, bound);
        break;
      } catch (BindException e) {
        closeQuietly(stream);
        if (port != 0 || attempt == EPHEMERAL_ATTEMPTS) {
          throw e;
        }
      }
    }
    running = true;
    tcp = new StreamListener(SipTransport.TCP, stream, allowed, limits, refusals, refusalGate, openConnections,
        workers, intake);
    Thread.ofPlatform().name("sip-udp").daemon().start(this::receiveUdp);
    Thread.ofPlatform().name("sip-tcp-accept").daemon().start(tcp);
    log.info("SIP listening on {}:{} (UDP and TCP), taking SIP from {}", host, port(), allowed);
  }

  /** Binds SIP over TLS (RFC 3261 26.2) on its own port, with the certificate and key of {@code context}. */
  public void startTls(String host, int port, SSLContext context) throws IOException {
    SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
    server.setReuseAddress(true);
    List<String> protocols = new ArrayList<>(TLS_PROTOCOLS);
    protocols.retainAll(Arrays.asList(server.getSupportedProtocols()));
    server.setEnabledProtocols(protocols.toArray(String[]::new));
    server.setNeedClientAuth(false);
    bind(() -> server.bind(new InetSocketAddress(host, port), 128), "TLS", host, port);
    tls = new StreamListener(SipTransport.TLS, server, allowed, limits, refusals, refusalGate, openConnections,
        workers, intake);
    Thread.ofPlatform().name("sip-tls-accept").daemon().start(tls);
    log.info("SIP listening on {}:{} (TLS, {})", host, tls.port(), String.join(" and ", protocols));
  }

  public int port() {
    try {
      return ((InetSocketAddress) udp.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("SIP server is not bound", e);
    }
  }

  /** The TLS port, or 0 when the server takes no TLS. */
  public int tlsPort() {
    return tls == null ? 0 : tls.port();
  }

  /** Requests answered 400 or dropped because they could not be parsed. */
  public long malformedCount() {
    return malformed.get();
  }

  /** TLS connections whose handshake failed or did not come in time. */
  public long tlsHandshakeFailures() {
    return tls == null ? 0 : tls.handshakeFailures.get();
  }

  /** TCP and TLS connections open now. */
  public int openConnections() {
    return openConnections.get();
  }

  public SipRefusals refusals() {
    return refusals;
  }

  private interface Binding {
    void bind() throws IOException;
  }

  /** Binds, naming the SIP port and transport when it is taken, so the operator knows which one. */
  private void bind(Binding binding, String transport, String host, int port) throws IOException {
    try {
      binding.bind();
    } catch (BindException e) {
      if (!transport.equals("TLS")) {
        closeQuietly(udp);
      }
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
        InetSocketAddress source = (InetSocketAddress) udp.receive(buffer);
        byte[] data = new byte[buffer.position()];
        buffer.flip().get(data);
        if (allowed.allows(source.getAddress())) {
          dispatch(data, new UdpReply(new SipPeer(SipTransport.UDP, source)));
        } else {
          refuseDatagram(data, source);
        }
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("SIP UDP receive failed; going on", e);
      }
    }
  }

  /** A datagram from outside the allow-list: counted, and answered 403 while the refusal gate lets it. */
  private void refuseDatagram(byte[] data, InetSocketAddress source) {
    refusals.source(SipTransport.UDP);
    if (refusalLog.tryPass()) {
      log.warn("SIP UDP from {} refused: not on the SBC allow-list (sip.allow); {} refused so far", source,
          refusals.sourceCount(SipTransport.UDP));
    }
    if (!refusalGate.tryPass()) {
      return;
    }
    try {
      forbid(SipParser.parse(data, 0, data.length), new UdpReply(new SipPeer(SipTransport.UDP, source)));
    } catch (SipParseException e) {
      // Not even SIP: nothing to answer.
    }
  }

  private void forbid(SipMessage request, SipReply reply) {
    if (request.isRequest() && !"ACK".equals(request.method())) {
      reply.send(SipMessage.responseTo(request, 403, "Forbidden - " + reply.peer().address().getAddress()
          .getHostAddress() + " is not on this recorder's SBC allow-list").build());
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

      @Override
      public SipPeer peer() {
        return reply.peer();
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
    if (tcp != null) {
      tcp.close();
    }
    if (tls != null) {
      tls.close();
    }
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
    private final SipPeer peer;

    UdpReply(SipPeer peer) {
      this.peer = peer;
    }

    @Override
    public void send(SipMessage response) {
      try {
        udp.send(ByteBuffer.wrap(response.toBytes()), peer.address());
      } catch (IOException e) {
        log.warn("SIP UDP send to {} failed: {}", peer, e.getMessage());
      }
    }

    @Override
    public boolean reliable() {
      return false;
    }

    @Override
    public SipPeer peer() {
      return peer;
    }
  }
}
