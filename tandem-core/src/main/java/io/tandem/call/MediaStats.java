package io.tandem.call;

/**
 * What capture saw of a call's media: RTP packets received and lost (by sequence number, over all
 * streams), bytes of audio written to the WAV data chunk, and the duration those bytes play for.
 */
public record MediaStats(long packetsReceived, long packetsLost, long bytes, long durationMillis) {
  public static final MediaStats NONE = new MediaStats(0, 0, 0, 0);

  public MediaStats {
    if (packetsReceived < 0 || packetsLost < 0 || bytes < 0 || durationMillis < 0) {
      throw new IllegalArgumentException("media statistics cannot be negative");
    }
  }
}
