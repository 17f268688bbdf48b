package io.tandem.capture.rtp;

import io.tandem.media.WavAudio;

/**
 * What a recording holds of the audio sent, measured by RTP timestamps rather than by the wall clock. Each stream
 * of a call starts in the WAV where its first packet arrived, which a loaded machine may delay by a packet or more,
 * and runs from there by its timestamps. Stateless.
 */
public final class HeardAudio {
  private HeardAudio() {}

  /** Frames of the WAV from the first sound of the stream that began last: the length of what every stream sent. */
  public static int framesFromLaterStart(WavAudio audio) {
    int laterStart = 0;
    for (short[] channel : audio.samples()) {
      int first = 0;
      while (first < channel.length && channel[first] == 0) {
        first++;
      }
      laterStart = Math.max(laterStart, first);
    }
    return audio.frames() - laterStart;
  }
}
