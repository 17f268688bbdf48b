package io.tandem.simulator;

import io.tandem.capture.sip.SipMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of SIP transactions over one transport: sends requests, matches responses to them by
 * the top Via branch, and answers requests from the recorders with 200. Thread-safe: any thread may
 * start a transaction.
 */
abstract class SipClientTransport implements AutoCloseable {
  /** Timer B / F of RFC 3261: 64 x T1. */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(32);

  private final Map<String, Transaction> transactions = new ConcurrentHashMap<>();
  protected final ScheduledExecutorService timers;

  SipClientTransport(ScheduledExecutorService timers) {
    this.timers = timers;
  }

  /** Over UDP from {@code local}; over TCP from whichever address the system picks for each connection. */
  static SipClientTransport open(SimulationPlan plan, ScheduledExecutorService timers, InetAddress local)
      throws IOException {
    return switch (plan.transport()) {
      case "tcp" -> new TcpSipClient(timers);
      case "tls" -> new TcpSipClient(timers, TlsTrust.socketFactory(plan.tlsTrust()));
      default -> new UdpSipClient(timers, local);
    };
  }

  /** "UDP", "TCP" or "TLS", as written in Via. */
  abstract String viaTransport();

  /** The address this side is reached at by a recorder, for Via and Contact. */
  abstract InetSocketAddress localAddress(InetSocketAddress recorder) throws IOException;

  abstract void send(SipMessage message, InetSocketAddress to) throws IOException;

  /** Resends a request until a response arrives; UDP only. */
  void startRetransmissions(Transaction transaction) {}

  /** Sends a request and completes with its final response, or exceptionally after the transaction timeout. */
  CompletableFuture<SipMessage> request(SipMessage request, InetSocketAddress to) {
    Transaction transaction = new Transaction(request, to);
    transactions.put(request.topViaBranch(), transaction);
    transaction.finalResponse.orTimeout(TRANSACTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((response, failure) -> finish(transaction));
    try {
      send(request, to);
      startRetransmissions(transaction);
    } catch (IOException e) {
      transaction.finalResponse.completeExceptionally(e);
    }
    return transaction.finalResponse;
  }

  /** Hands a message that arrived from a recorder to its transaction, or answers a request. */
  protected void received(SipMessage message, InetSocketAddress from) {
    if (message.isRequest()) {
      answerRequest(message, from);
      return;
    }
    Transaction transaction = transactions.get(String.valueOf(message.topViaBranch()));
    if (transaction == null) {
      unmatchedResponse(message, from);
    } else if (message.status() >= 200) {
      transaction.finalResponse.complete(message);
    } else {
      transaction.provisional = true;
    }
  }

  /** Closes the sockets and waits for the reader threads to end. */
  @Override
  public abstract void close() throws IOException;

  /** Waits for a reader thread that was told to stop by closing its socket. */
  static void awaitEnd(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A response that no transaction waits for, such as a retransmitted 200 to an INVITE. */
  protected void unmatchedResponse(SipMessage response, InetSocketAddress from) {}

  /** Fails every transaction still waiting on a recorder, for a connection that was lost. */
  protected void failTransactionsTo(InetSocketAddress recorder, IOException cause) {
    transactions.values().stream().filter(t -> t.to.equals(recorder))
        .forEach(t -> t.finalResponse.completeExceptionally(cause));
  }

  private void answerRequest(SipMessage request, InetSocketAddress from) {
    if (request.method().equals("ACK")) {
      return;
    }
    try {
      send(SipMessage.responseTo(request, 200, "OK").build(), from);
    } catch (IOException | RuntimeException e) {
      // The recorder will retransmit or give up; the simulator's calls are unaffected.
    }
  }

  private void finish(Transaction transaction) {
    transactions.remove(transaction.request.topViaBranch(), transaction);
    ScheduledFuture<?> retransmit = transaction.retransmit;
    if (retransmit != null) {
      retransmit.cancel(false);
    }
  }

  /** One client transaction: the request, where it went, and its final response once known. */
  static final class Transaction {
    final SipMessage request;
    final InetSocketAddress to;
    final CompletableFuture<SipMessage> finalResponse = new CompletableFuture<>();
    volatile boolean provisional;
    volatile ScheduledFuture<?> retransmit;

    Transaction(SipMessage request, InetSocketAddress to) {
      this.request = request;
      this.to = to;
    }

    boolean done() {
      return finalResponse.isDone();
    }
  }
}
