package io.tandem.media;

/**
 * Measures how much of a given frequency a run of 16-bit samples holds (the Goertzel algorithm),
 * and which of a few candidate frequencies dominates. Stateless and thread-safe.
 */
public final class ToneAnalysis {
  private ToneAnalysis() {}

  /**
   * The power of {@code frequency} in {@code samples[from, to)}, normalised by the number of samples
   * squared so that runs of different lengths compare.
   */
  public static double power(short[] samples, int from, int to, int sampleRate, double frequency) {
    if (from < 0 || to > samples.length || from > to) {
      throw new IllegalArgumentException("expected 0 <= from <= to <= " + samples.length + ", got [" + from + ", " + to + ")");
    }
    if (sampleRate < 1 || frequency <= 0 || frequency >= sampleRate / 2.0) {
      throw new IllegalArgumentException("expected 0 < frequency < " + sampleRate / 2.0 + " Hz, got " + frequency);
    }
    int n = to - from;
    if (n == 0) {
      return 0;
    }
    double coefficient = 2 * Math.cos(2 * Math.PI * frequency / sampleRate);
    double previous = 0;
    double beforePrevious = 0;
    for (int i = from; i < to; i++) {
      double current = samples[i] + coefficient * previous - beforePrevious;
      beforePrevious = previous;
      previous = current;
    }
    double power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
    return power / ((double) n * n);
  }

  /** The power of {@code frequency} over all of {@code samples}. */
  public static double power(short[] samples, int sampleRate, double frequency) {
    return power(samples, 0, samples.length, sampleRate, frequency);
  }

  /** The candidate with the most power in {@code samples}; the first candidate when all are silent. */
  public static double dominantFrequency(short[] samples, int sampleRate, double[] candidates) {
    if (candidates.length == 0) {
      throw new IllegalArgumentException("expected at least one candidate frequency");
    }
    double best = candidates[0];
    double bestPower = -1;
    for (double candidate : candidates) {
      double p = power(samples, sampleRate, candidate);
      if (p > bestPower) {
        best = candidate;
        bestPower = p;
      }
    }
    return best;
  }

  /** A sine tone of {@code amplitude} at {@code frequency}, starting at sample index {@code startSample}. */
  public static short toneSample(double frequency, int sampleRate, long startSample, double amplitude) {
    return (short) Math.round(amplitude * Math.sin(2 * Math.PI * frequency * startSample / sampleRate));
  }
}
