package io.tandem.capture.rtp;

import io.tandem.call.DtmfEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one stream's RFC 4733 telephone-event packets into DTMF events, one per key press. A sender sends
 * several packets per event, all with the event's start timestamp and a growing duration, and repeats the
 * last one (with the end bit) about three times; an event is taken once, when its first end packet comes,
 * or, if every end packet was lost, when the next event starts or the stream ends. Packets of an event
 * already taken are ignored. Not thread-safe: confined to its stream's thread.
 */
public final class TelephoneEvents {
  /** RFC 4733 3.2: event, E/R/volume, 16-bit duration. */
  public static final int PAYLOAD_BYTES = 4;
  private static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B",
      "C", "D"};

  private final List<DtmfEvent> events = new ArrayList<>();
  private boolean open;
  private long ssrc;
  private long timestamp;
  private int code;
  private long startFrame;
  private int duration;
  private int clockRate;
  private boolean takenBefore;
  private long takenSsrc;
  private long takenTimestamp;
  private int takenCode;

  /**
   * Takes one telephone-event packet.
   *
   * @param startFrame where the event starts on the call's timeline, in 8 kHz frames
   * @param clockRate the RTP clock rate of the telephone-event format, which its durations count in
   * @return false when the payload is not a telephone event
   */
  public boolean accept(byte[] payload, int offset, int length, long ssrc, long timestamp, long startFrame,
      int clockRate) {
    if (length < PAYLOAD_BYTES || clockRate < 1) {
      return false;
    }
    int eventCode = payload[offset] & 0xFF;
    boolean end = (payload[offset + 1] & 0x80) != 0;
    int eventDuration = ((payload[offset + 2] & 0xFF) << 8) | (payload[offset + 3] & 0xFF);
    if (takenBefore && ssrc == takenSsrc && timestamp == takenTimestamp && eventCode == takenCode) {
      // A repeated end packet, or a late packet of an event already taken.
      return true;
    }
    if (open && (ssrc != this.ssrc || timestamp != this.timestamp || eventCode != code)) {
      take();
    }
    if (!open) {
      open = true;
      this.ssrc = ssrc;
      this.timestamp = timestamp;
      this.code = eventCode;
      this.startFrame = Math.max(0, startFrame);
      this.clockRate = clockRate;
      this.duration = 0;
    }
    duration = Math.max(duration, eventDuration);
    if (end) {
      take();
    }
    return true;
  }

  /** Takes an event whose end packets never came: the stream ended. */
  public void finish() {
    if (open) {
      take();
    }
  }

  /** The events taken so far, in the order they were taken. */
  public List<DtmfEvent> events() {
    return List.copyOf(events);
  }

  /** The digit an event code stands for: 0-9, *, #, A-D, or the code itself for other events. */
  public static String digit(int code) {
    return code < DIGITS.length ? DIGITS[code] : Integer.toString(code);
  }

  private void take() {
    events.add(new DtmfEvent(digit(code), startFrame / 8, (long) duration * 1000 / clockRate));
    open = false;
    takenBefore = true;
    takenSsrc = ssrc;
    takenTimestamp = timestamp;
    takenCode = code;
  }
}
