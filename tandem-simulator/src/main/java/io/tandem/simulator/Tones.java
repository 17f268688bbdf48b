package io.tandem.simulator;

import io.tandem.media.G711;

/**
 * The audio the simulator sends: a pure sine per stream at about -6 dBFS, whose frequency differs
 * between the two streams of a call and from call to call, so that a recording can be checked by its
 * spectrum. Stateless and thread-safe.
 */
public final class Tones {
  public static final int SAMPLE_RATE = 8000;
  public static final int PACKET_MILLIS = 20;
  public static final int SAMPLES_PER_PACKET = SAMPLE_RATE * PACKET_MILLIS / 1000;
  /** -6 dBFS: half of full scale. */
  public static final double AMPLITUDE = 0.5 * Short.MAX_VALUE;

  private Tones() {}

  /** The tone of stream 0 or 1 of a conversation, in Hz: 300 to 3200 in steps of 100. */
  public static double frequency(int conversation, int stream) {
    if (stream < 0 || stream > 1) {
      throw new IllegalArgumentException("stream must be 0 or 1, got " + stream);
    }
    return 300 + 100 * Math.floorMod(2 * conversation + stream, 30);
  }

  /** The G.711 payload of packet {@code packetIndex} of a tone, phase-continuous from packet 0. */
  public static byte[] payload(double frequency, int payloadType, long packetIndex) {
    byte[] payload = new byte[SAMPLES_PER_PACKET];
    long firstSample = packetIndex * SAMPLES_PER_PACKET;
    for (int i = 0; i < SAMPLES_PER_PACKET; i++) {
      double phase = 2 * Math.PI * frequency * ((firstSample + i) % SAMPLE_RATE) / SAMPLE_RATE;
      payload[i] = G711.encode(payloadType, (short) Math.round(AMPLITUDE * Math.sin(phase)));
    }
    return payload;
  }

  /** True when every packet of the tone carries the same samples (a whole number of cycles per packet). */
  public static boolean repeatsEveryPacket(double frequency) {
    double cycles = frequency * SAMPLES_PER_PACKET / SAMPLE_RATE;
    return cycles == Math.rint(cycles);
  }
}
