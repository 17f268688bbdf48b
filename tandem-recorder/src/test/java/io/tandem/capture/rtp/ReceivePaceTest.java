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
}
