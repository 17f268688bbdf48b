package io.tandem.decoding;

import io.tandem.call.DtmfEvent;
import java.util.List;

/**
 * What decoding a call's payload log came to: the WAV's new data bytes and duration at its new sample rate
 * (or -1 each when the WAV was left as it was), the quirks it found (each payload format nobody could
 * decode), the DTMF events the log holds, and whether every payload was decoded. Immutable.
 */
public record DecodeOutcome(long dataBytes, long durationMillis, int sampleRate, List<String> quirks,
    List<DtmfEvent> dtmf, boolean complete) {
  public DecodeOutcome {
    quirks = List.copyOf(quirks);
    dtmf = List.copyOf(dtmf);
  }

  /** Whether the WAV was replaced. */
  public boolean rewritten() {
    return dataBytes >= 0;
  }
}
