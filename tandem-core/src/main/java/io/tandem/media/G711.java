package io.tandem.media;

/**
 * G.711 mu-law (PCMU, payload type 0) and A-law (PCMA, payload type 8) to and from 16-bit linear
 * PCM. Decoding is a table look-up; all methods are thread-safe.
 */
public final class G711 {
  public static final int PCMU = 0;
  public static final int PCMA = 8;

  private static final short[] ULAW_TO_LINEAR = new short[256];
  private static final short[] ALAW_TO_LINEAR = new short[256];
  private static final int BIAS = 0x84;
  private static final int CLIP = 32635;

  static {
    for (int i = 0; i < 256; i++) {
      ULAW_TO_LINEAR[i] = ulawToLinear((byte) i);
      ALAW_TO_LINEAR[i] = alawToLinear((byte) i);
    }
  }

  private G711() {}

  public static boolean supports(int payloadType) {
    return payloadType == PCMU || payloadType == PCMA;
  }

  /** The decode table for a payload type: index by the unsigned code byte. */
  public static short[] decodeTable(int payloadType) {
    return switch (payloadType) {
      case PCMU -> ULAW_TO_LINEAR;
      case PCMA -> ALAW_TO_LINEAR;
      default -> throw new IllegalArgumentException("payload type " + payloadType + " is not G.711 (0 or 8)");
    };
  }

  public static byte encode(int payloadType, short sample) {
    return payloadType == PCMA ? linearToAlaw(sample) : linearToUlaw(sample);
  }

  public static byte linearToUlaw(short pcm) {
    int sample = pcm;
    int sign = (sample >> 8) & 0x80;
    if (sign != 0) {
      sample = -sample;
    }
    if (sample > CLIP) {
      sample = CLIP;
    }
    sample += BIAS;
    int exponent = 7;
    for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
      exponent--;
    }
    int mantissa = (sample >> (exponent + 3)) & 0x0F;
    return (byte) ~(sign | (exponent << 4) | mantissa);
  }

  public static byte linearToAlaw(short pcm) {
    int sample = pcm;
    int sign = (~sample >> 8) & 0x80;
    if (sign == 0) {
      sample = -sample;
    }
    if (sample > CLIP) {
      sample = CLIP;
    }
    int encoded;
    if (sample >= 256) {
      int exponent = 7;
      for (int mask = 0x4000; (sample & mask) == 0 && exponent > 1; mask >>= 1) {
        exponent--;
      }
      int mantissa = (sample >> (exponent + 3)) & 0x0F;
      encoded = (exponent << 4) | mantissa;
    } else {
      encoded = sample >> 4;
    }
    return (byte) ((encoded | sign) ^ 0x55);
  }

  private static short ulawToLinear(byte code) {
    int u = ~code & 0xFF;
    int sign = u & 0x80;
    int exponent = (u >> 4) & 0x07;
    int mantissa = u & 0x0F;
    int magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
    return (short) (sign != 0 ? -magnitude : magnitude);
  }

  private static short alawToLinear(byte code) {
    int a = (code ^ 0x55) & 0xFF;
    int sign = a & 0x80;
    int exponent = (a >> 4) & 0x07;
    int mantissa = a & 0x0F;
    int magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
    return (short) (sign != 0 ? magnitude : -magnitude);
  }
}
