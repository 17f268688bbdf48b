package io.tandem.capture.rtp;

import io.tandem.capture.sip.PayloadFormat;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Appends one call's {@link PayloadLog}: packets gather in memory and are written at each flush of the
 * call's WAV; the file and the buffer are made at the first packet, so a call all in G.711 without DTMF has
 * neither; {@link MediaFiles} makes it, sealed like the WAV when sealing is on. A write that fails stops the log (the WAV goes on). Confined to one thread at a time: its capture
 * thread until {@link #close}, which the finisher calls after the capture thread is done with it.
 */
public final class PayloadLogWriter {
  private static final int MAX_RECORD = 0xFFFF;

  private final Path path;
  private final MediaFiles files;
  /** The format last written for each channel and payload type ({@code channel << 7 | type}); a call has few. */
  private int[] writtenKeys = new int[4];
  private PayloadFormat[] writtenFormats = new PayloadFormat[4];
  private int writtenCount;
  /** What gathered since the last flush; none until the call's first packet kept raw. */
  private ByteBuffer pending = ByteBuffer.allocate(0);
  private MediaChannel file;
  private long written;
  private IOException failure;
  private long packets;

  public PayloadLogWriter(Path wav) {
    this(wav, MediaFiles.plain());
  }

  public PayloadLogWriter(Path wav, MediaFiles files) {
    this.path = PayloadLog.pending(wav);
    this.files = files;
  }

  /** Keeps a packet placed at {@code position} (8 kHz frames) on {@code channel}, with its format. */
  public void packet(int channel, PayloadFormat format, RtpPacket packet, long position) {
    if (failure != null || packet.payloadLength() > MAX_RECORD - 32) {
      return;
    }
    if (!written(channel << 7 | format.payloadType(), format)) {
      writeFormat(channel, format);
    }
    int length = 1 + 1 + 8 + 4 + 2 + 4 + packet.payloadLength();
    room(3 + length);
    pending.put(PayloadLog.PACKET).putShort((short) length).put((byte) channel).put((byte) format.payloadType())
        .putLong(position).putInt((int) packet.timestamp()).putShort((short) packet.sequence())
        .putInt((int) packet.ssrc()).put(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
    packets++;
  }

  long packets() {
    return packets;
  }

  /** Writes what gathered since the last flush. */
  public void flush() {
    if (pending.position() == 0 || failure != null) {
      return;
    }
    try {
      if (file == null) {
        Files.deleteIfExists(path);
        file = files.create(path);
        file.write(ByteBuffer.wrap(PayloadLog.MAGIC), 0);
        written = PayloadLog.MAGIC.length;
      }
      pending.flip();
      int bytes = pending.remaining();
      file.write(pending, written);
      written += bytes;
    } catch (IOException e) {
      failure = e;
    }
    pending.clear();
  }

  /** Writes the rest, makes it durable and closes the file; idempotent. */
  public void close() throws IOException {
    flush();
    if (file != null) {
      try (MediaChannel closing = file) {
        file = null;
        if (failure == null) {
          closing.force();
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Whether {@code format} is the one last written for {@code key}; remembers it as such when it is not. */
  private boolean written(int key, PayloadFormat format) {
    for (int i = 0; i < writtenCount; i++) {
      if (writtenKeys[i] == key) {
        if (writtenFormats[i].equals(format)) {
          return true;
        }
        writtenFormats[i] = format;
        return false;
      }
    }
    if (writtenCount == writtenKeys.length) {
      writtenKeys = Arrays.copyOf(writtenKeys, writtenCount * 2);
      writtenFormats = Arrays.copyOf(writtenFormats, writtenCount * 2);
    }
    writtenKeys[writtenCount] = key;
    writtenFormats[writtenCount++] = format;
    return false;
  }

  private void writeFormat(int channel, PayloadFormat format) {
    byte[] encoding = format.encoding().getBytes(StandardCharsets.UTF_8);
    byte[] fmtp = format.fmtp().getBytes(StandardCharsets.UTF_8);
    int encodingLength = Math.min(255, encoding.length);
    int fmtpLength = Math.min(1024, fmtp.length);
    int length = 1 + 1 + 4 + 1 + 1 + encodingLength + 2 + fmtpLength;
    room(3 + length);
    pending.put(PayloadLog.FORMAT).putShort((short) length).put((byte) channel).put((byte) format.payloadType())
        .putInt(format.clockRate()).put((byte) Math.min(255, format.channels())).put((byte) encodingLength)
        .put(encoding, 0, encodingLength).putShort((short) fmtpLength).put(fmtp, 0, fmtpLength);
  }

  private void room(int bytes) {
    if (pending.remaining() < bytes) {
      ByteBuffer larger = ByteBuffer.allocate(Math.max(Math.max(8192, pending.capacity() * 2),
          pending.position() + bytes));
      pending.flip();
      larger.put(pending);
      pending = larger;
    }
  }
}
