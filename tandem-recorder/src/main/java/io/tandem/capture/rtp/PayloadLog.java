package io.tandem.capture.rtp;

import io.tandem.capture.sip.PayloadFormat;
import io.tandem.media.MediaFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The side file of a call's WAV that keeps, losslessly and in arrival order, every packet the capture did
 * not decode itself (audio other than G.711, telephone-event): each with its channel, its place on the
 * call's timeline, RTP timestamp, sequence number, SSRC and payload type, after a record of the format
 * that payload type had on that channel. Written beside the WAV with the same flushes, so a kill -9 keeps
 * what was written; a record cut short by it ends the log. Reading is thread-safe; see
 * {@link PayloadLogWriter} for writing.
 */
public final class PayloadLog {
  /** A log waiting to be decoded: {@code <inum>.payloads} beside {@code <inum>.wav}. */
  public static final String PENDING = ".payloads";
  /** A log decoding has finished with, kept because some of it could not be decoded. */
  public static final String KEPT = ".payloads.kept";
  static final byte[] MAGIC = "TNDMPLG1".getBytes(StandardCharsets.US_ASCII);
  static final byte FORMAT = 'F';
  static final byte PACKET = 'P';

  /** One packet as the capture kept it. */
  public record Packet(int channel, PayloadFormat format, long position, long timestamp, int sequence, long ssrc,
      byte[] payload) {}

  /** Receives a log's packets in the order they were written. */
  @FunctionalInterface
  public interface PacketSink {
    void packet(Packet packet) throws IOException;
  }

  private PayloadLog() {}

  /** The pending log of a call's WAV file. */
  public static Path pending(Path wav) {
    return sibling(wav, PENDING);
  }

  /** The kept log of a call's WAV file. */
  public static Path kept(Path wav) {
    return sibling(wav, KEPT);
  }

  /** The folder a decode of the call works in: left behind only by a crash, cleared by the next decode. */
  public static Path decodingFolder(Path wav) {
    return wav.resolveSibling("." + sibling(wav, ".decoding").getFileName());
  }

  /** Deletes a call's payload log, waiting or kept, and what a decode cut off by a crash left. */
  public static void deleteBeside(Path wav) throws IOException {
    Files.deleteIfExists(pending(wav));
    Files.deleteIfExists(kept(wav));
    Path folder = decodingFolder(wav);
    if (Files.isDirectory(folder)) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /**
   * Feeds every whole packet of the log to {@code sink}, each with the format its payload type had on its
   * channel when it was written.
   *
   * @return false when there is no such log
   * @throws IOException when the file does not start as a payload log, or cannot be read
   */
  public static boolean read(Path log, PacketSink sink) throws IOException {
    return read(MediaFiles.plain(), log, sink);
  }

  /** {@link #read(Path, PacketSink)} of a log plain or sealed, as {@code files} opens it. */
  public static boolean read(MediaFiles files, Path log, PacketSink sink) throws IOException {
    InputStream raw;
    try {
      raw = files.newInputStream(log);
    } catch (NoSuchFileException e) {
      return false;
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      byte[] magic = new byte[MAGIC.length];
      int got = in.readNBytes(magic, 0, magic.length);
      if (got == 0) {
        return true;
      }
      if (got < magic.length || !Arrays.equals(magic, MAGIC)) {
        throw new IOException(log + ": expected a payload log, the first bytes say otherwise");
      }
      Map<Integer, PayloadFormat> formats = new HashMap<>();
      while (true) {
        byte[] record = nextRecord(in);
        if (record == null) {
          return true;
        }
        if (record[0] == FORMAT) {
          readFormat(record, formats);
        } else if (record[0] == PACKET) {
          Packet packet = readPacket(record, formats);
          if (packet != null) {
            sink.packet(packet);
          }
        }
      }
    }
  }

  /** The next record (type byte first), or null at the end or at a record cut short. */
  private static byte[] nextRecord(DataInputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    int length;
    try {
      length = in.readUnsignedShort();
    } catch (EOFException e) {
      return null;
    }
    byte[] record = new byte[1 + length];
    record[0] = (byte) type;
    return in.readNBytes(record, 1, length) == length ? record : null;
  }

  private static void readFormat(byte[] record, Map<Integer, PayloadFormat> formats) {
    ByteBuffer b = ByteBuffer.wrap(record, 1, record.length - 1);
    int channel = b.get() & 0xFF;
    int type = b.get() & 0x7F;
    int clockRate = b.getInt();
    int channels = b.get() & 0xFF;
    String encoding = text(b, b.get() & 0xFF);
    String fmtp = text(b, b.getShort() & 0xFFFF);
    formats.put(channel << 7 | type, new PayloadFormat(type, encoding, clockRate, Math.max(1, channels), fmtp));
  }

  private static Packet readPacket(byte[] record, Map<Integer, PayloadFormat> formats) {
    ByteBuffer b = ByteBuffer.wrap(record, 1, record.length - 1);
    int channel = b.get() & 0xFF;
    int type = b.get() & 0x7F;
    long position = b.getLong();
    long timestamp = b.getInt() & 0xFFFF_FFFFL;
    int sequence = b.getShort() & 0xFFFF;
    long ssrc = b.getInt() & 0xFFFF_FFFFL;
    byte[] payload = new byte[b.remaining()];
    b.get(payload);
    PayloadFormat format = formats.get(channel << 7 | type);
    return format == null ? null : new Packet(channel, format, position, timestamp, sequence, ssrc, payload);
  }

  private static String text(ByteBuffer b, int length) {
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Path sibling(Path wav, String suffix) {
    String name = wav.getFileName().toString();
    String base = name.endsWith(".wav") ? name.substring(0, name.length() - 4) : name;
    return wav.resolveSibling(base + suffix);
  }
}
