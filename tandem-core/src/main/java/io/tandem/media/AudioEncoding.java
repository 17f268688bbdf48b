package io.tandem.media;

import java.util.Locale;

/**
 * The RTP audio encodings a recorder knows by name (RFC 3551, RFC 7587, RFC 3952, RFC 4733, RFC 3389): how
 * long a payload plays, at which rate its audio is replayed, and whether it is audio at all. Anything else
 * is {@link #OTHER}: recorded raw, never decoded. Stateless and thread-safe.
 */
public enum AudioEncoding {
  PCMU(8000),
  PCMA(8000),
  /** G.722 runs its RTP clock at 8000 Hz (RFC 3551 4.5.2) but carries 16 kHz audio. */
  G722(16000),
  /** G.729 and G.729A alike; Annex B adds 2-byte SID frames, which are comfort noise. */
  G729(8000),
  GSM(8000),
  ILBC(8000),
  /** Opus always runs its RTP clock at 48000 Hz (RFC 7587); its audio is replayed at the rate its fmtp allows. */
  OPUS(48000),
  /** Comfort noise (RFC 3389): silence. */
  CN(8000),
  TELEPHONE_EVENT(8000),
  OTHER(8000);

  /** A G.729 speech frame: 10 bytes for 10 ms. */
  public static final int G729_FRAME_BYTES = 10;
  /** A G.729 Annex B SID frame. */
  public static final int G729_SID_BYTES = 2;
  public static final int GSM_FRAME_BYTES = 33;
  public static final int ILBC_20_BYTES = 38;
  public static final int ILBC_30_BYTES = 50;
  private static final int FRAMES_PER_10_MS = 80;

  private final int audioRate;

  AudioEncoding(int audioRate) {
    this.audioRate = audioRate;
  }

  /** The encoding an SDP rtpmap names ({@code opus}, {@code G729}, {@code telephone-event}...), in any case. */
  public static AudioEncoding named(String encoding) {
    return switch (encoding.toUpperCase(Locale.ROOT)) {
      case "PCMU" -> PCMU;
      case "PCMA" -> PCMA;
      case "G722" -> G722;
      case "G729", "G729A", "G729B", "G729AB" -> G729;
      case "GSM" -> GSM;
      case "ILBC" -> ILBC;
      case "OPUS" -> OPUS;
      case "CN" -> CN;
      case "TELEPHONE-EVENT" -> TELEPHONE_EVENT;
      default -> OTHER;
    };
  }

  /** Whether packets of this encoding carry audio to be written (not comfort noise, DTMF or unknown). */
  public boolean decodable() {
    return this != CN && this != TELEPHONE_EVENT && this != OTHER;
  }

  /** Whether the capture decodes it on the spot (G.711) rather than keeping its payload raw. */
  public boolean g711() {
    return this == PCMU || this == PCMA;
  }

  /**
   * The sample rate its audio is replayed at: 16000 for G.722, for Opus the highest rate its fmtp lets the
   * sender capture or the receiver play ({@code sprop-maxcapturerate}, {@code maxplaybackrate}), rounded up
   * to 8000, 16000, 24000 or 48000; 8000 for the rest.
   */
  public int audioRate(String fmtp) {
    if (this != OPUS) {
      return audioRate;
    }
    int limit = 48000;
    for (String parameter : fmtp == null ? new String[0] : fmtp.split(";")) {
      String[] pair = parameter.strip().split("=", 2);
      if (pair.length == 2 && (pair[0].equalsIgnoreCase("sprop-maxcapturerate")
          || pair[0].equalsIgnoreCase("maxplaybackrate"))) {
        try {
          limit = Math.min(limit, Math.max(1, Integer.parseInt(pair[1].strip())));
        } catch (NumberFormatException e) {
          // An unreadable limit limits nothing.
        }
      }
    }
    return limit <= 8000 ? 8000 : limit <= 16000 ? 16000 : limit <= 24000 ? 24000 : 48000;
  }

  /**
   * How long {@code payload[offset, offset + length)} plays, in 8 kHz frames (the call timeline's unit), or
   * -1 when its length does not say (an unknown encoding, a payload no whole number of frames long).
   */
  public int frames(byte[] payload, int offset, int length) {
    return switch (this) {
      case PCMU, PCMA -> length;
      // Two 16 kHz samples a byte: one 8 kHz frame.
      case G722 -> length;
      case G729 -> g729Frames(length);
      case GSM -> length > 0 && length % GSM_FRAME_BYTES == 0 ? length / GSM_FRAME_BYTES * 160 : -1;
      case ILBC -> ilbcFrames(length);
      case OPUS -> {
        int samples = OpusPacket.samples(payload, offset, length);
        yield samples < 0 ? -1 : samples / 6;
      }
      default -> -1;
    };
  }

  /** The iLBC frame mode (20 or 30 ms) a payload of this length is made of, or 0 when it is neither. */
  public static int ilbcMode(int length) {
    if (length > 0 && length % ILBC_20_BYTES == 0) {
      return 20;
    }
    return length > 0 && length % ILBC_30_BYTES == 0 ? 30 : 0;
  }

  private static int g729Frames(int length) {
    int speech = length / G729_FRAME_BYTES;
    int rest = length % G729_FRAME_BYTES;
    if (rest != 0 && rest != G729_SID_BYTES) {
      return -1;
    }
    // A SID frame stands for one 10 ms frame of comfort noise.
    int frames = speech + (rest == G729_SID_BYTES ? 1 : 0);
    return frames == 0 ? -1 : frames * FRAMES_PER_10_MS;
  }

  private static int ilbcFrames(int length) {
    return switch (ilbcMode(length)) {
      case 20 -> length / ILBC_20_BYTES * 160;
      case 30 -> length / ILBC_30_BYTES * 240;
      default -> -1;
    };
  }
}
