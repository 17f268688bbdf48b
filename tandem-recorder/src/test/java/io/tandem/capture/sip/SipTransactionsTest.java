package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SipTransactionsTest {
  private static final String INVITE = "INVITE sip:srs@127.0.0.1 SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-tx-1\r\n"
      + "From: <sip:src@127.0.0.1>;tag=f1\r\n"
      + "To: <sip:srs@127.0.0.1>\r\n"
      + "Call-ID: tx-1\r\n"
      + "CSeq: 1 INVITE\r\n"
      + "Content-Length: 0\r\n\r\n";

  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  @Test
  void aRetransmissionDuringTheFinalAnswerGetsTheAnswerNeverATryingAfterIt() throws Exception {
    SipTransactions transactions = new SipTransactions(timers);
    SipMessage invite = SipParser.parse(INVITE.getBytes(StandardCharsets.UTF_8), 0, INVITE.length());
    SipMessage ok = SipMessage.responseTo(invite, 200, "OK").build();
    CountDownLatch sending = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> wire = new CopyOnWriteArrayList<>();
    SipReply slowWire = reply(response -> {
      sending.countDown();
      awaitLatch(release);
      wire.add(response.status());
    });
    assertThat(transactions.begin(invite, slowWire)).isTrue();

    Thread answering = Thread.ofPlatform().start(() -> transactions.answer(invite, ok, slowWire));
    sending.await();
    Thread retransmitted = Thread.ofPlatform().start(() ->
        assertThat(transactions.begin(invite, reply(response -> wire.add(response.status())))).isFalse());
    await().atMost(Duration.ofSeconds(5)).until(() -> retransmitted.getState() == Thread.State.BLOCKED);
    release.countDown();
    answering.join();
    retransmitted.join();

    assertThat(wire).containsExactly(200, 200);
  }

  @Test
  void aRetransmissionBeforeAnyAnswerGetsATrying() throws Exception {
    SipTransactions transactions = new SipTransactions(timers);
    SipMessage invite = SipParser.parse(INVITE.getBytes(StandardCharsets.UTF_8), 0, INVITE.length());
    List<Integer> wire = new CopyOnWriteArrayList<>();

    assertThat(transactions.begin(invite, reply(response -> wire.add(response.status())))).isTrue();
    assertThat(transactions.begin(invite, reply(response -> wire.add(response.status())))).isFalse();

    assertThat(wire).containsExactly(100);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static SipReply reply(java.util.function.Consumer<SipMessage> wire) {
    return new SipReply() {
      @Override
      public void send(SipMessage response) {
        wire.accept(response);
      }

      @Override
      public boolean reliable() {
        return true;
      }

      @Override
      public SipPeer peer() {
        return new SipPeer(SipTransport.TCP, new java.net.InetSocketAddress("127.0.0.1", 5060));
      }
    };
  }
}
