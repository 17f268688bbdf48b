package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceivePaceTest {
  private static final long TICK_NANOS = 5_000_000;

  @Test
  void twentyMillisecondPacketIsDueFourFiveMillisecondTicksLater() {
    ReceivePace pace = new ReceivePace();
    assertThat(pace.ticksToNext(TICK_NANOS)).isEqualTo(4);
    pace.packetSamples(240);
    assertThat(pace.ticksToNext(TICK_NANOS)).isEqualTo(6);
    pace.packetSamples(80);
    assertThat(pace.ticksToNext(TICK_NANOS)).isEqualTo(2);
    pace.packetSamples(200);
    assertThat(pace.ticksToNext(TICK_NANOS)).as("25 ms rounds up").isEqualTo(5);
  }

  @Test
  void pollOnTimeReadsOneDatagramAndLatePollReadsOnePerPacketTimeMissed() {
    ReceivePace pace = new ReceivePace();
    pace.startPolling(true);
    pace.dueTick = 40;

    assertThat(pace.limit(40, 4)).isEqualTo(1);
    assertThat(pace.limit(43, 4)).isEqualTo(1);
    assertThat(pace.limit(44, 4)).isEqualTo(2);
    assertThat(pace.limit(52, 4)).isEqualTo(4);
  }

  @Test
  void pollAfterAReadThatMayHaveLeftDatagramsReadsUntilEmpty() {
    ReceivePace pace = new ReceivePace();
    pace.startPolling(false);
    pace.dueTick = 10;
    assertThat(pace.limit(10, 4)).isEqualTo(ReceiveBudget.MAX);

    assertThat(pace.pollEnded(1, true, true)).isTrue();
    assertThat(pace.limit(10, 4)).isEqualTo(1);
  }

  @Test
  void drainThatFoundABacklogDrainsAgainNextPoll() {
    ReceivePace pace = new ReceivePace();
    pace.startPolling(false);
    pace.dueTick = 10;

    assertThat(pace.pollEnded(3, true, true)).isTrue();
    assertThat(pace.limit(10, 4)).isEqualTo(ReceiveBudget.MAX);
    assertThat(pace.pollEnded(1, true, true)).isTrue();
    assertThat(pace.limit(10, 4)).isEqualTo(1);
  }

  @Test
  void everySixteenthPollReadsUntilEmpty() {
    ReceivePace pace = new ReceivePace();
    pace.startPolling(true);
    pace.dueTick = 0;
    int drains = 0;
    for (int poll = 0; poll < 4 * ReceivePace.DRAIN_EVERY; poll++) {
      int limit = pace.limit(0, 4);
      boolean drain = limit == ReceiveBudget.MAX;
      drains += drain ? 1 : 0;
      pace.pollEnded(1, drain, drain);
    }
    assertThat(drains).isEqualTo(4);
  }

  @Test
  void streamThatMissesTwiceInARowGoesBackToTheSelector() {
    ReceivePace pace = new ReceivePace();
    pace.startPolling(true);

    assertThat(pace.pollEnded(0, false, true)).isTrue();
    assertThat(pace.retryNextTick()).isTrue();
    assertThat(pace.pollEnded(1, false, false)).isTrue();
    assertThat(pace.retryNextTick()).isFalse();
    assertThat(pace.pollEnded(0, false, true)).isTrue();
    assertThat(pace.pollEnded(0, false, true)).isFalse();
  }

  @Test
  void packetsLongerThanSixtyMillisecondsAreNotPolled() {
    ReceivePace pace = new ReceivePace();
    assertThat(pace.pollable()).isTrue();
    pace.packetSamples(480);
    assertThat(pace.pollable()).isTrue();
    pace.packetSamples(481);
    assertThat(pace.pollable()).isFalse();
  }

  @Test
  void spanOfFortyMillisecondsReadsTwentyMillisecondPacketsTwoAPollEveryEightTicks() {
    ReceivePace pace = new ReceivePace(320);
    pace.startPolling(true);
    pace.dueTick = 40;

    assertThat(pace.packetsPerPoll()).isEqualTo(2);
    assertThat(pace.ticksToNext(TICK_NANOS)).isEqualTo(8);
    assertThat(pace.limit(40, 8)).isEqualTo(2);
    assertThat(pace.limit(47, 8)).isEqualTo(2);
    assertThat(pace.limit(48, 8)).as("a span late").isEqualTo(4);
  }

  @Test
  void spanShorterThanTwoPacketsStillPollsOncePerPacket() {
    ReceivePace pace = new ReceivePace(320);
    pace.packetSamples(240);
    assertThat(pace.packetsPerPoll()).isEqualTo(1);
    assertThat(pace.ticksToNext(TICK_NANOS)).isEqualTo(6);
    pace.packetSamples(480);
    assertThat(pace.packetsPerPoll()).isEqualTo(1);
    assertThat(pace.ticksToNext(TICK_NANOS)).isEqualTo(12);
    pace.packetSamples(80);
    assertThat(pace.packetsPerPoll()).isEqualTo(4);
    assertThat(pace.ticksToNext(TICK_NANOS)).isEqualTo(8);
  }

  @Test
  void drainThatFoundOnlyTheDatagramsOfItsSpanDoesNotDrainAgain() {
    ReceivePace pace = new ReceivePace(320);
    pace.startPolling(false);
    pace.dueTick = 10;
    assertThat(pace.limit(10, 8)).isEqualTo(ReceiveBudget.MAX);

    assertThat(pace.pollEnded(2, true, true)).isTrue();
    assertThat(pace.limit(10, 8)).isEqualTo(2);
    assertThat(pace.pollEnded(3, true, true)).isTrue();
    assertThat(pace.limit(10, 8)).as("a backlog").isEqualTo(ReceiveBudget.MAX);
  }

  @Test
  void polledDatagramsAreTakenToHaveArrivedAsEarlyAsThePaceAllows() {
    ReceivePace pace = new ReceivePace(320);
    assertThat(pace.waitedMillis(0, 2)).isEqualTo(40);
    assertThat(pace.waitedMillis(1, 2)).isEqualTo(20);
    assertThat(pace.waitedMillis(2, 2)).as("beyond those expected").isZero();
    assertThat(pace.waitedMillis(0, 0)).as("a selected socket").isZero();
    pace.packetSamples(240);
    assertThat(pace.waitedMillis(0, 1)).isEqualTo(30);
  }
}
