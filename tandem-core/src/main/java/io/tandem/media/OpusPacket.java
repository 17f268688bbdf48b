package io.tandem.media;

/**
 * How long an Opus packet plays, read from its table-of-contents byte (RFC 6716 3.1) without decoding it:
 * the configuration gives the frame size, the code the frame count. Stateless and thread-safe.
 */
public final class OpusPacket {
  /** Frame sizes in 48 kHz samples for the 32 configurations: SILK, hybrid, then CELT. */
  private static final int[] FRAME_SAMPLES = new int[32];
  /** RFC 6716 3.2.5: a packet holds at most 120 ms of audio. */
  private static final int MAX_SAMPLES = 5760;

  static {
    int[] silk = {480, 960, 1920, 2880};
    int[] hybrid = {480, 960};
    int[] celt = {120, 240, 480, 960};
    for (int config = 0; config < 32; config++) {
      if (config < 12) {
        FRAME_SAMPLES[config] = silk[config % 4];
      } else if (config < 16) {
        FRAME_SAMPLES[config] = hybrid[config % 2];
      } else {
        FRAME_SAMPLES[config] = celt[config % 4];
      }
    }
  }

  private OpusPacket() {}

  /** The 48 kHz samples {@code packet[offset, offset + length)} decodes to, or -1 when its TOC cannot say. */
  public static int samples(byte[] packet, int offset, int length) {
    if (length < 1) {
      return -1;
    }
    int toc = packet[offset] & 0xFF;
    int frameSamples = FRAME_SAMPLES[toc >> 3];
    int frames = switch (toc & 0x03) {
      case 0 -> 1;
      case 1, 2 -> 2;
      default -> length < 2 ? -1 : packet[offset + 1] & 0x3F;
    };
    if (frames < 1 || frames * frameSamples > MAX_SAMPLES) {
      return -1;
    }
    return frames * frameSamples;
  }
}
