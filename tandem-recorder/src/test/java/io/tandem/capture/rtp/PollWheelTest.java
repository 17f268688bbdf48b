package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollWheelTest {
  private final PollWheel wheel = new PollWheel();

  @Test
  void streamIsHandedOutAtItsTickAndNotBefore() {
    StreamTimeline a = stream();
    StreamTimeline b = stream();
    wheel.takeDue(100, s -> {});
    wheel.schedule(a, 104);
    wheel.schedule(b, 102);

    assertThat(take(101)).isEmpty();
    assertThat(take(102)).containsExactly(b);
    assertThat(take(103)).isEmpty();
    assertThat(take(104)).containsExactly(a);
    assertThat(wheel.size()).isZero();
  }

  @Test
  void lateTakeHandsOutEveryStreamDueSinceTheLastOneOldestFirst() {
    StreamTimeline a = stream();
    StreamTimeline b = stream();
    StreamTimeline c = stream();
    wheel.takeDue(0, s -> {});
    wheel.schedule(a, 5);
    wheel.schedule(b, 2);
    wheel.schedule(c, 9);

    assertThat(take(7)).containsExactly(b, a);
    assertThat(wheel.size()).isEqualTo(1);
  }

  @Test
  void stallLongerThanTheWheelStillHandsOutEachStreamOnceAndKeepsLaterLaps() {
    StreamTimeline a = stream();
    StreamTimeline b = stream();
    wheel.takeDue(0, s -> {});
    wheel.schedule(a, 3);
    List<StreamTimeline> handed = new ArrayList<>();
    wheel.takeDue(10 * PollWheel.SLOTS, s -> {
      handed.add(s);
      // Rescheduled one lap minus one ahead: lands in a slot this take has yet to visit.
      wheel.schedule(b, 10 * PollWheel.SLOTS + PollWheel.SLOTS - 1);
    });

    assertThat(handed).containsExactly(a);
    assertThat(take(11 * PollWheel.SLOTS - 2)).isEmpty();
    assertThat(take(11 * PollWheel.SLOTS - 1)).containsExactly(b);
  }

  @Test
  void streamRescheduledWhileBeingHandedOutWaitsForItsNewTick() {
    StreamTimeline a = stream();
    wheel.takeDue(0, s -> {});
    wheel.schedule(a, 1);
    List<StreamTimeline> handed = new ArrayList<>();
    wheel.takeDue(1, s -> {
      handed.add(s);
      wheel.schedule(s, 1 + PollWheel.SLOTS);
    });

    assertThat(handed).containsExactly(a);
    assertThat(take(PollWheel.SLOTS)).isEmpty();
    assertThat(take(PollWheel.SLOTS + 1)).containsExactly(a);
  }

  @Test
  void scheduleIsHeldWithinOneTurnAfterTheLastTake() {
    StreamTimeline past = stream();
    StreamTimeline far = stream();
    wheel.takeDue(50, s -> {});
    wheel.schedule(past, 10);
    wheel.schedule(far, 50 + 5 * PollWheel.SLOTS);

    assertThat(past.pace.dueTick).isEqualTo(51);
    assertThat(far.pace.dueTick).isEqualTo(50 + PollWheel.SLOTS);
    assertThat(take(51)).containsExactly(past);
    assertThat(take(50 + PollWheel.SLOTS)).containsExactly(far);
  }

  private List<StreamTimeline> take(long tick) {
    List<StreamTimeline> handed = new ArrayList<>();
    wheel.takeDue(tick, handed::add);
    return handed;
  }

  private static StreamTimeline stream() {
    return new StreamTimeline(null, 0, 0, null, 0);
  }
}
