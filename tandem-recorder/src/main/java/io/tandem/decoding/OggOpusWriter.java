package io.tandem.decoding;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Wraps Opus packets as they came over RTP in an Ogg Opus stream (RFC 7845) that a maintained decoder
 * reads: an identification header (one channel, no pre-skip, 48 kHz), a comment header, then one page per
 * packet with its granule position at the packet's end. A container, not a codec: the packets are copied
 * as they are. Not thread-safe.
 */
final class OggOpusWriter implements AutoCloseable {
  private static final int[] CRC_TABLE = new int[256];
  private static final int HEADER_START = 0x02;
  private static final int STREAM_END = 0x04;
  private static final int SERIAL = 0x7a6d;

  static {
    // Ogg's CRC-32: polynomial 0x04C11DB7, most significant bit first, initial value 0, no final XOR.
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int bit = 0; bit < 8; bit++) {
        r = (r & 0x8000_0000) != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1;
      }
      CRC_TABLE[i] = r;
    }
  }

  private final OutputStream out;
  private int pageSequence;
  private long granule;
  private byte[] held;
  private long heldGranule;

  OggOpusWriter(OutputStream out) throws IOException {
    this.out = out;
    ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
    head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 1).putShort((short) 0)
        .putInt(48_000).putShort((short) 0).put((byte) 0);
    page(head.array(), 0, HEADER_START);
    byte[] vendor = "tandem".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer tags = ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(0);
    page(tags.array(), 0, 0);
  }

  /** Adds one Opus packet that decodes to {@code samples} samples at 48 kHz. */
  void packet(byte[] packet, int samples) throws IOException {
    // Each page is written once the next is known, so that the last one can carry the end-of-stream flag.
    if (held != null) {
      page(held, heldGranule, 0);
    }
    granule += samples;
    held = packet.clone();
    heldGranule = granule;
  }

  @Override
  public void close() throws IOException {
    if (held != null) {
      page(held, heldGranule, STREAM_END);
      held = null;
    }
    out.flush();
  }

  private void page(byte[] packet, long granulePosition, int flags) throws IOException {
    int segments = packet.length / 255 + 1;
    if (segments > 255) {
      throw new IOException("an Opus packet of " + packet.length + " bytes does not fit in one Ogg page");
    }
    ByteBuffer page = ByteBuffer.allocate(27 + segments + packet.length).order(ByteOrder.LITTLE_ENDIAN);
    page.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) flags).putLong(granulePosition)
        .putInt(SERIAL).putInt(pageSequence++).putInt(0).put((byte) segments);
    for (int i = 0; i < segments - 1; i++) {
      page.put((byte) 255);
    }
    page.put((byte) (packet.length % 255)).put(packet);
    byte[] bytes = page.array();
    page.putInt(22, crc(bytes));
    out.write(bytes);
  }

  static int crc(byte[] bytes) {
    int crc = 0;
    for (byte b : bytes) {
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xFF];
    }
    return crc;
  }
}
