package io.tandem.capture.srtp;

/**
 * The receiving side of SRTP for one stream (RFC 3711 3.3): each packet's index is estimated from its sequence
 * number and its source's rollover counter, packets already seen or older than the 64-packet replay window are
 * refused before any crypto, the authentication tag is checked, and only then is the payload decrypted in place
 * and the source's state advanced. A source (SSRC) gets its state from its first authenticated packet; a stream
 * keeps the states of its last {@value #MAX_SOURCES} sources. Not thread-safe: confined to one capture thread.
 */
public final class SrtpReceiver {
  /** The tag did not match (or the MKI was not the key's): the packet was forged, damaged or under another key. */
  public static final int UNAUTHENTIC = -1;
  /** The packet was received before, or is older than the replay window. */
  public static final int REPLAYED = -2;
  /** Too short for an RTP header, the MKI and the tag. */
  public static final int MALFORMED = -3;
  static final int MAX_SOURCES = 4;
  private static final int WINDOW = 64;

  private final SrtpTransform transform;
  private final int tagLength;
  private final int mkiLength;
  private final long mki;
  private final boolean encrypted;
  private final Source[] sources = new Source[MAX_SOURCES];
  private int nextEvicted;

  public SrtpReceiver(SdesCrypto crypto) {
    this.transform = new SrtpTransform(crypto);
    this.tagLength = crypto.suite().tagBytes();
    this.mkiLength = crypto.mkiLength();
    this.mki = crypto.mki();
    this.encrypted = !crypto.unencrypted();
  }

  /**
   * Authenticates and decrypts {@code packet[0, length)} in place.
   *
   * @return the length of the RTP packet it holds now (its MKI and tag cut off), or {@link #UNAUTHENTIC},
   *     {@link #REPLAYED} or {@link #MALFORMED}; a refused packet changes no state
   */
  public int unprotect(byte[] packet, int length) {
    int authenticated = length - tagLength - mkiLength;
    int payload = SrtpHeader.end(packet, authenticated);
    if (payload < 0 || length > SrtpTransform.MAX_PACKET) {
      return MALFORMED;
    }
    int sequence = SrtpHeader.sequence(packet);
    long ssrc = SrtpHeader.ssrc(packet);
    Source source = find(ssrc);
    long rolloverCounter = source == null ? 0 : source.guess(sequence);
    long index = (rolloverCounter << 16) | sequence;
    if (rolloverCounter < 0 || (source != null && source.seen(index))) {
      return REPLAYED;
    }
    if (!mkiMatches(packet, authenticated)
        || !transform.tagMatches(packet, authenticated, rolloverCounter, authenticated + mkiLength, tagLength)) {
      return UNAUTHENTIC;
    }
    if (encrypted) {
      transform.crypt(packet, payload, authenticated - payload, ssrc, index);
    }
    if (source == null) {
      source = new Source(ssrc, index);
      sources[nextEvicted] = source;
      nextEvicted = (nextEvicted + 1) % MAX_SOURCES;
    } else {
      source.accept(index);
    }
    return authenticated;
  }

  private boolean mkiMatches(byte[] packet, int at) {
    long value = 0;
    for (int i = 0; i < mkiLength; i++) {
      value = (value << 8) | (packet[at + i] & 0xFF);
    }
    return value == mki;
  }

  private Source find(long ssrc) {
    for (Source source : sources) {
      if (source != null && source.ssrc == ssrc) {
        return source;
      }
    }
    return null;
  }

  /** One SSRC's rollover counter, highest index and replay window. */
  private static final class Source {
    final long ssrc;
    /** The highest index authenticated: rollover counter * 2^16 + sequence number. */
    long highest;
    /** Bit {@code n} set: index {@code highest - n} was received. */
    long window = 1;

    Source(long ssrc, long index) {
      this.ssrc = ssrc;
      this.highest = index;
    }

    /** The rollover counter a sequence number most likely belongs to (RFC 3711 Appendix A); -1 before the first. */
    long guess(int sequence) {
      long roc = highest >>> 16;
      int last = (int) (highest & 0xFFFF);
      if (last < 0x8000) {
        return sequence - last > 0x8000 ? roc - 1 : roc;
      }
      return last - 0x8000 > sequence ? roc + 1 : roc;
    }

    boolean seen(long index) {
      long behind = highest - index;
      return behind >= WINDOW || (behind >= 0 && (window & (1L << behind)) != 0);
    }

    void accept(long index) {
      long behind = highest - index;
      if (behind < 0) {
        window = -behind >= WINDOW ? 1 : (window << -behind) | 1;
        highest = index;
      } else {
        window |= 1L << behind;
      }
    }
  }
}
