package io.tandem.capture.rtp;

/**
 * A view of one RTP packet (RFC 3550) in a buffer: the fixed header, CSRCs and an extension are
 * skipped, padding is removed. Parsing allocates nothing; the view is valid until the buffer is
 * reused. Not thread-safe.
 */
public final class RtpPacket {
  public static final int HEADER_LENGTH = 12;

  private byte[] buffer;
  private int payloadType;
  private int sequence;
  private long timestamp;
  private long ssrc;
  private boolean marker;
  private int payloadOffset;
  private int payloadLength;

  /**
   * Reads a packet from {@code buffer[offset, offset + length)}.
   *
   * @return false when the bytes are not an RTP version 2 packet with a consistent length
   */
  public boolean parse(byte[] buffer, int offset, int length) {
    if (length < HEADER_LENGTH || (buffer[offset] & 0xC0) != 0x80) {
      return false;
    }
    int first = buffer[offset] & 0xFF;
    int csrcCount = first & 0x0F;
    int headerEnd = offset + HEADER_LENGTH + 4 * csrcCount;
    int end = offset + length;
    if (headerEnd > end) {
      return false;
    }
    if ((first & 0x10) != 0) {
      if (headerEnd + 4 > end) {
        return false;
      }
      int words = ((buffer[headerEnd + 2] & 0xFF) << 8) | (buffer[headerEnd + 3] & 0xFF);
      headerEnd += 4 + 4 * words;
      if (headerEnd > end) {
        return false;
      }
    }
    if ((first & 0x20) != 0) {
      int padding = buffer[end - 1] & 0xFF;
      if (padding == 0 || end - padding < headerEnd) {
        return false;
      }
      end -= padding;
    }
    this.buffer = buffer;
    this.marker = (buffer[offset + 1] & 0x80) != 0;
    this.payloadType = buffer[offset + 1] & 0x7F;
    this.sequence = ((buffer[offset + 2] & 0xFF) << 8) | (buffer[offset + 3] & 0xFF);
    this.timestamp = readUnsignedInt(buffer, offset + 4);
    this.ssrc = readUnsignedInt(buffer, offset + 8);
    this.payloadOffset = headerEnd;
    this.payloadLength = end - headerEnd;
    return true;
  }

  /** Writes a 12-byte header followed by the payload; returns the packet length. */
  public static int write(byte[] out, int payloadType, boolean marker, int sequence, long timestamp, long ssrc,
      byte[] payload, int payloadOffset, int payloadLength) {
    out[0] = (byte) 0x80;
    out[1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
    out[2] = (byte) (sequence >> 8);
    out[3] = (byte) sequence;
    writeInt(out, 4, timestamp);
    writeInt(out, 8, ssrc);
    System.arraycopy(payload, payloadOffset, out, HEADER_LENGTH, payloadLength);
    return HEADER_LENGTH + payloadLength;
  }

  public byte[] buffer() {
    return buffer;
  }

  public int payloadType() {
    return payloadType;
  }

  /** The 16-bit sequence number, 0 to 65535. */
  public int sequence() {
    return sequence;
  }

  /** The 32-bit timestamp, 0 to 2^32 - 1. */
  public long timestamp() {
    return timestamp;
  }

  public long ssrc() {
    return ssrc;
  }

  public boolean marker() {
    return marker;
  }

  public int payloadOffset() {
    return payloadOffset;
  }

  public int payloadLength() {
    return payloadLength;
  }

  private static long readUnsignedInt(byte[] b, int i) {
    return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
  }

  private static void writeInt(byte[] b, int i, long value) {
    b[i] = (byte) (value >> 24);
    b[i + 1] = (byte) (value >> 16);
    b[i + 2] = (byte) (value >> 8);
    b[i + 3] = (byte) value;
  }
}
