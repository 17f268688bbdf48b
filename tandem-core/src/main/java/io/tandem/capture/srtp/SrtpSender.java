package io.tandem.capture.srtp;

import java.util.HashMap;
import java.util.Map;

/**
 * The sending side of SRTP for one stream: encrypts an RTP packet's payload in place and appends the MKI
 * (when the key has one) and the authentication tag, keeping each source's rollover counter from its sequence
 * numbers (which must not go back by more than half their range). What the call simulator and the benchmarks
 * send; a recorder only receives. Not thread-safe.
 */
public final class SrtpSender {
  private final SrtpTransform transform;
  private final int tagLength;
  private final int mkiLength;
  private final long mki;
  private final boolean encrypted;
  private final Map<Long, long[]> highest = new HashMap<>();

  public SrtpSender(SdesCrypto crypto) {
    this.transform = new SrtpTransform(crypto);
    this.tagLength = crypto.suite().tagBytes();
    this.mkiLength = crypto.mkiLength();
    this.mki = crypto.mki();
    this.encrypted = !crypto.unencrypted();
  }

  /** How many bytes {@link #protect} adds to a packet. */
  public int overhead() {
    return mkiLength + tagLength;
  }

  /**
   * Protects the RTP packet {@code packet[0, length)} in place; {@code packet} must have {@link #overhead()}
   * bytes of room after it.
   *
   * @return the SRTP packet's length
   * @throws IllegalArgumentException when the bytes hold no RTP header or the room is missing
   */
  public int protect(byte[] packet, int length) {
    int payload = SrtpHeader.end(packet, length);
    if (payload < 0 || length + overhead() > Math.min(packet.length, SrtpTransform.MAX_PACKET)) {
      throw new IllegalArgumentException("expected an RTP packet with " + overhead() + " bytes of room after it, got "
          + length + " bytes in " + packet.length);
    }
    long ssrc = SrtpHeader.ssrc(packet);
    int sequence = SrtpHeader.sequence(packet);
    long[] state = highest.computeIfAbsent(ssrc, s -> new long[] {sequence});
    long roc = state[0] >>> 16;
    int last = (int) (state[0] & 0xFFFF);
    if (last > 0xC000 && sequence < 0x4000) {
      roc++;
    } else if (last < 0x4000 && sequence > 0xC000 && roc > 0) {
      roc--;
    }
    long index = (roc << 16) | sequence;
    state[0] = Math.max(state[0], index);
    if (encrypted) {
      transform.crypt(packet, payload, length - payload, ssrc, index);
    }
    for (int i = 0; i < mkiLength; i++) {
      packet[length + i] = (byte) (mki >>> (8 * (mkiLength - 1 - i)));
    }
    transform.tag(packet, length, roc, packet, length + mkiLength, tagLength);
    return length + overhead();
  }
}
