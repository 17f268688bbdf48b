package io.tandem.capture.srtp;

/** Where the RTP header of a packet ends (fixed header, CSRCs, extension), read without touching the payload. */
final class SrtpHeader {
  static final int FIXED = 12;

  private SrtpHeader() {}

  /** The offset of the payload in {@code packet[0, length)}, or -1 when no RTP version 2 header fits in it. */
  static int end(byte[] packet, int length) {
    if (length < FIXED || (packet[0] & 0xC0) != 0x80) {
      return -1;
    }
    int end = FIXED + 4 * (packet[0] & 0x0F);
    if ((packet[0] & 0x10) != 0) {
      if (end + 4 > length) {
        return -1;
      }
      end += 4 + 4 * (((packet[end + 2] & 0xFF) << 8) | (packet[end + 3] & 0xFF));
    }
    return end <= length ? end : -1;
  }

  static int sequence(byte[] packet) {
    return ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
  }

  static long ssrc(byte[] packet) {
    return ((long) (packet[8] & 0xFF) << 24) | ((packet[9] & 0xFF) << 16) | ((packet[10] & 0xFF) << 8)
        | (packet[11] & 0xFF);
  }
}
