package io.tandem.redundancy;

import java.time.Duration;

/**
 * How the health probe times the checks of each recorder, derived from the Manager's {@code health.interval} and
 * {@code health.misses}. With the defaults (1 s, 3): a check every 250 ms, a beat asked every 125 ms, a recorder
 * silent for 750 ms gets one reconnection try of at most 500 ms before it is declared hung (so at most about 1.5 s
 * after its last beat; longer for a recorder that was slow in the last minute, as {@link SilenceAllowance} says),
 * and a lost connection is tried again 3 times about 83 ms apart, at once the first time, before the recorder is
 * declared down (about 0.2 s after kill -9). Immutable.
 *
 * @param beatInterval how often the recorder is asked to send a beat: two per check, so one late beat is no miss
 * @param checkPeriod how often each recorder's own timer looks at its beats
 * @param silenceLimit how long without a beat (misses checks) before the reconnection try
 * @param reconnectWait how long a reconnection try waits for the recorder's answer
 * @param misses the reconnection tries, in a row, that a lost connection may fail before the recorder is down
 * @param retrySpacing the pause between two tries after a lost connection, so that they fit in one check
 */
record BeatTiming(Duration beatInterval, Duration checkPeriod, Duration silenceLimit, Duration reconnectWait,
    int misses, Duration retrySpacing) {
  private static final Duration SHORTEST = Duration.ofMillis(10);
  /** The recorder serves beats at most 10 s apart; the probe asks no sparser. */
  private static final Duration LONGEST_BEAT = Duration.ofSeconds(10);

  static BeatTiming of(Duration interval, int misses) {
    if (interval.compareTo(SHORTEST) < 0 || misses < 1) {
      throw new IllegalArgumentException("the health interval must be at least 10ms and the misses at least 1, got "
          + interval + " and " + misses);
    }
    Duration check = atLeastShortest(interval.dividedBy(4));
    Duration beat = atLeastShortest(check.dividedBy(2));
    if (beat.compareTo(LONGEST_BEAT) > 0) {
      beat = LONGEST_BEAT;
    }
    return new BeatTiming(beat, check, check.multipliedBy(misses), atLeastShortest(interval.dividedBy(2)), misses,
        check.dividedBy(misses));
  }

  private static Duration atLeastShortest(Duration duration) {
    return duration.compareTo(SHORTEST) < 0 ? SHORTEST : duration;
  }
}
