package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.DtmfEvent;
import org.junit.jupiter.api.Test;

class TelephoneEventsTest {
  private final TelephoneEvents events = new TelephoneEvents();

  @Test
  void anEventIsTakenOnceAtItsFirstEndPacketHoweverOftenTheEndIsRepeated() {
    long start = 16_000;
    for (int step = 1; step <= 5; step++) {
      events.accept(event(5, step == 5, step * 160), 0, 4, 7, start, 1600, 8000);
    }
    events.accept(event(5, true, 800), 0, 4, 7, start, 1600, 8000);
    events.accept(event(5, true, 800), 0, 4, 7, start, 1600, 8000);
    events.finish();

    assertThat(events.events()).containsExactly(new DtmfEvent("5", 200, 100));
  }

  @Test
  void anEventWhoseEndWasLostIsTakenWhenTheNextStartsOrTheStreamEnds() {
    events.accept(event(10, false, 320), 0, 4, 7, 100, 800, 8000);
    events.accept(event(11, false, 160), 0, 4, 7, 2000, 2000, 8000);
    events.finish();

    assertThat(events.events()).containsExactly(new DtmfEvent("*", 100, 40), new DtmfEvent("#", 250, 20));
  }

  @Test
  void theSameKeyPressedTwiceIsTwoEventsAndOtherCodesKeepTheirNumber() {
    events.accept(event(1, true, 400), 0, 4, 7, 100, 0, 8000);
    events.accept(event(1, true, 400), 0, 4, 7, 900, 800, 8000);
    events.accept(event(16, true, 480), 0, 4, 7, 1800, 1600, 48000);

    assertThat(events.events()).containsExactly(new DtmfEvent("1", 0, 50), new DtmfEvent("1", 100, 50),
        new DtmfEvent("16", 200, 10));
  }

  @Test
  void aPayloadShorterThanAnEventIsNotOne() {
    assertThat(events.accept(new byte[3], 0, 3, 7, 0, 0, 8000)).isFalse();
    events.finish();
    assertThat(events.events()).isEmpty();
  }

  private static byte[] event(int code, boolean end, int duration) {
    return new byte[] {(byte) code, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >> 8), (byte) duration};
  }
}
