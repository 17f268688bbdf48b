package io.tandem.capture.sip;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server side of SIP transactions, as far as a recording server needs them: a retransmitted request
 * gets the response already sent (or a 100 Trying while the first copy is still being handled), and a
 * 2xx to INVITE over UDP is retransmitted until its ACK arrives (RFC 3261 timers T1 = 500 ms doubling to
 * T2 = 4 s, for at most 64 x T1). Thread-safe.
 */
final class SipTransactions {
  private static final long T1_MILLIS = 500;
  private static final long T2_MILLIS = 4000;
  private static final long LIFETIME_MILLIS = 64 * T1_MILLIS;

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Retransmission> awaitingAck = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers;

  SipTransactions(ScheduledExecutorService timers) {
    this.timers = timers;
    timers.scheduleWithFixedDelay(this::expire, 5, 5, TimeUnit.SECONDS);
  }

  /**
   * Registers a request before it is handled.
   *
   * @return true when it is new and must be handled; false when it was a retransmission, already answered
   */
  boolean begin(SipMessage request, SipReply reply) {
    String key = key(request, reply);
    Entry fresh = new Entry(System.currentTimeMillis());
    Entry existing = entries.putIfAbsent(key, fresh);
    if (existing == null) {
      return true;
    }
    // Under the entry's lock, so a 100 for a retransmission can never leave after the final response.
    synchronized (existing) {
      SipMessage last = existing.response;
      if (last != null) {
        reply.send(last);
      } else if ("INVITE".equals(request.method())) {
        reply.send(SipMessage.responseTo(request, 100, "Trying").build());
      }
    }
    return false;
  }

  /**
   * Records the response a request got, so a retransmission can be answered with it, and sends it: both
   * under the entry's lock, so no 100 for a retransmission can follow it.
   */
  void answer(SipMessage request, SipMessage response, SipReply reply) {
    Entry entry = entries.get(key(request, reply));
    if (entry != null) {
      synchronized (entry) {
        entry.response = response;
        reply.send(response);
      }
    } else {
      reply.send(response);
    }
    if ("INVITE".equals(request.method()) && response.status() / 100 == 2 && !reply.reliable()) {
      retransmitUntilAck(request.callId(), response, reply);
    }
  }

  /** An ACK for a dialog stops the 2xx retransmissions of its INVITE. */
  void acknowledged(SipMessage ack) {
    Retransmission pending = awaitingAck.remove(ack.callId());
    if (pending != null) {
      pending.acknowledge();
    }
  }

  private void retransmitUntilAck(String callId, SipMessage response, SipReply reply) {
    Retransmission retransmission = new Retransmission(callId, response, reply);
    Retransmission previous = awaitingAck.put(callId, retransmission);
    if (previous != null) {
      previous.acknowledge();
    }
    retransmission.schedule(T1_MILLIS, 0);
  }

  private void expire() {
    long cutoff = System.currentTimeMillis() - LIFETIME_MILLIS;
    entries.values().removeIf(entry -> entry.createdAt < cutoff && entry.response != null);
  }

  int size() {
    return entries.size();
  }

  private static String key(SipMessage request, SipReply reply) {
    // The branch identifies a transaction (RFC 3261 17.2.3); CANCEL shares its INVITE's branch. The source is part
    // of it, so that a request from elsewhere that copies a branch never gets another sender's response.
    return request.topViaBranch() + '|' + request.cseq().number() + '|' + request.cseq().method() + '|'
        + reply.peer().address().getAddress().getHostAddress();
  }

  private static final class Entry {
    final long createdAt;
    volatile SipMessage response;

    Entry(long createdAt) {
      this.createdAt = createdAt;
    }
  }

  /** The 2xx of one INVITE, sent again until its ACK; once acknowledged it never schedules again. */
  private final class Retransmission {
    private final String callId;
    private final SipMessage response;
    private final SipReply reply;
    private volatile boolean acknowledged;
    private volatile ScheduledFuture<?> next;

    Retransmission(String callId, SipMessage response, SipReply reply) {
      this.callId = callId;
      this.response = response;
      this.reply = reply;
    }

    void schedule(long delay, long elapsed) {
      if (acknowledged || elapsed + delay > LIFETIME_MILLIS) {
        awaitingAck.remove(callId, this);
        return;
      }
      next = timers.schedule(() -> {
        if (!acknowledged) {
          reply.send(response);
          schedule(Math.min(delay * 2, T2_MILLIS), elapsed + delay);
        }
      }, delay, TimeUnit.MILLISECONDS);
    }

    void acknowledge() {
      acknowledged = true;
      ScheduledFuture<?> pending = next;
      if (pending != null) {
        pending.cancel(false);
      }
    }
  }
}
