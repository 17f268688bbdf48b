package io.tandem.capture.rtp;

import io.tandem.capture.sip.PayloadFormat;
import io.tandem.media.AudioEncoding;
import io.tandem.media.G711;
import java.util.List;

/**
 * What each of the 128 payload types means on one stream: its format and encoding, and for G.711 the
 * decode table, so that the packet path finds all of it by one index. Formats answered for the stream win;
 * the static payload types of RFC 3551 that carry audio fill the rest. Confined to its capture thread.
 */
final class PayloadTable {
  private static final int[] STATIC_TYPES = {0, 3, 8, 9, 13, 18};

  private final PayloadFormat[] formats = new PayloadFormat[128];
  private final AudioEncoding[] encodings = new AudioEncoding[128];
  private final short[][] g711 = new short[128][];

  PayloadTable(List<PayloadFormat> answered) {
    for (int type : STATIC_TYPES) {
      put(PayloadFormat.of(type, null, null));
    }
    answered.forEach(this::put);
  }

  /** The G.711 decode table of {@code payloadType}, or null when it is not G.711. */
  short[] g711(int payloadType) {
    return g711[payloadType];
  }

  /** The format of {@code payloadType}, or null when the stream knows none. */
  PayloadFormat format(int payloadType) {
    return formats[payloadType];
  }

  AudioEncoding encoding(int payloadType) {
    return encodings[payloadType];
  }

  private void put(PayloadFormat format) {
    int type = format.payloadType();
    AudioEncoding encoding = AudioEncoding.named(format.encoding());
    formats[type] = format;
    encodings[type] = encoding;
    g711[type] = encoding == AudioEncoding.PCMU ? G711.decodeTable(G711.PCMU)
        : encoding == AudioEncoding.PCMA ? G711.decodeTable(G711.PCMA) : null;
  }
}
