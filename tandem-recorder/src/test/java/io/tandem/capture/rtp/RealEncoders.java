package io.tandem.capture.rtp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.tandem.media.ToneAnalysis;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import java.util.concurrent.TimeUnit;

/**
 * Encodes test signals with real encoders, as an SBC's would: Debian's ffmpeg for G.722, GSM and Opus,
 * Debian's libbcg729 (G.729 Annex A, with Annex B's VAD and SID frames) through the foreign-function API,
 * and libjitsi's Java port of the RFC 3951 reference encoder for iLBC. Each method returns one RTP payload
 * per packet time. A test whose encoder is not on this machine fails, naming it, unless the run asked to skip
 * that peer ({@code ./tandem test --skip-peers ffmpeg,g729}, system property {@code tandem.skipPeers}).
 */
final class RealEncoders {
  private RealEncoders() {}

  static void requireFfmpeg() {
    require("ffmpeg", onPath("ffmpeg"), "ffmpeg is not on the PATH (Debian package ffmpeg)");
  }

  /** Fails the calling test unless {@code present}, or skips it when the run asked to skip {@code peer}. */
  static void require(String peer, boolean present, String missing) {
    if (Arrays.asList(System.getProperty("tandem.skipPeers", "").split(",")).contains(peer)) {
      Assumptions.abort("skipped by request: --skip-peers " + peer);
    }
    if (!present) {
      throw new AssertionError(missing + "; this test needs it. Install it, or run the suite with --skip-peers "
          + peer);
    }
  }

  static boolean onPath(String program) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
        return true;
      }
    }
    return false;
  }

  /** A tone at 8 kHz, {@code millis} long. */
  static short[] tone(double frequency, int millis) {
    short[] pcm = new short[millis * 8];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = ToneAnalysis.toneSample(frequency, 8000, i, 6000);
    }
    return pcm;
  }

  /** G.722 by ffmpeg: 160 bytes (20 ms of 16 kHz audio) a packet. */
  static List<byte[]> g722(double frequency, int millis, Path work) throws Exception {
    byte[] raw = ffmpeg(work, "g722", frequency, 16000, millis, List.of("-c:a", "g722", "-f", "g722"));
    return split(raw, 160);
  }

  /** GSM 06.10 by ffmpeg's libgsm: one 33-byte frame (20 ms) a packet. */
  static List<byte[]> gsm(double frequency, int millis, Path work) throws Exception {
    byte[] raw = ffmpeg(work, "gsm", frequency, 8000, millis, List.of("-c:a", "libgsm", "-f", "gsm"));
    return split(raw, 33);
  }

  /** Opus by ffmpeg's libopus, 20 ms frames, taken out of the Ogg stream it writes. */
  static List<byte[]> opus(double frequency, int millis, Path work) throws Exception {
    byte[] ogg = ffmpeg(work, "ogg", frequency, 48000, millis, List.of("-c:a", "libopus", "-b:a", "32k",
        "-frame_duration", "20", "-application", "voip", "-f", "ogg"));
    List<byte[]> packets = oggPackets(ogg);
    // The identification and comment headers are not audio.
    return packets.subList(2, packets.size());
  }

  /**
   * G.729 Annex A by libbcg729, with voice activity detection: two 10 ms frames a packet; in silence the
   * encoder sends a 2-byte SID frame now and then and nothing otherwise (an empty payload: no packet).
   */
  static List<byte[]> g729(short[] pcm) throws Throwable {
    SymbolLookup library = null;
    try {
      library = SymbolLookup.libraryLookup("libbcg729.so.0", Arena.global());
    } catch (IllegalArgumentException e) {
      // Not installed: require() below says so.
    }
    require("g729", library != null, "libbcg729 is not installed (Debian package libbcg729-0)");
    Linker linker = Linker.nativeLinker();
    MethodHandle init = linker.downcallHandle(library.find("initBcg729EncoderChannel").orElseThrow(),
        FunctionDescriptor.of(ADDRESS, JAVA_BYTE));
    MethodHandle encode = linker.downcallHandle(library.find("bcg729Encoder").orElseThrow(),
        FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    MethodHandle close = linker.downcallHandle(library.find("closeBcg729EncoderChannel").orElseThrow(),
        FunctionDescriptor.ofVoid(ADDRESS));
    List<byte[]> packets = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment encoder = (MemorySegment) init.invokeExact((byte) 1);
      MemorySegment in = arena.allocate(JAVA_SHORT, 80);
      MemorySegment out = arena.allocate(10);
      MemorySegment length = arena.allocate(1);
      for (int packet = 0; packet + 160 <= pcm.length; packet += 160) {
        ByteBuffer payload = ByteBuffer.allocate(20);
        for (int frame = packet; frame < packet + 160; frame += 80) {
          MemorySegment.copy(pcm, frame, in, JAVA_SHORT, 0, 80);
          encode.invokeExact(encoder, in, out, length);
          payload.put(out.asSlice(0, length.get(JAVA_BYTE, 0)).toArray(JAVA_BYTE));
        }
        packets.add(Arrays.copyOf(payload.array(), payload.position()));
      }
      close.invokeExact(encoder);
    }
    return packets;
  }

  /** iLBC (RFC 3951) by libjitsi's encoder: one frame a packet, 38 bytes (20 ms mode) or 50 (30 ms mode). */
  static List<byte[]> ilbc(short[] pcm, int mode) throws Exception {
    Class<?> type;
    try {
      type = Class.forName("org.jitsi.impl.neomedia.codec.audio.ilbc.ilbc_encoder");
    } catch (ClassNotFoundException e) {
      throw new AssertionError("libjitsi's iLBC encoder is not on the test class path (a test dependency)", e);
    }
    Constructor<?> constructor = type.getDeclaredConstructor(int.class);
    constructor.setAccessible(true);
    Object encoder = constructor.newInstance(mode);
    Method encode = type.getDeclaredMethod("encode", byte[].class, int.class, byte[].class, int.class);
    encode.setAccessible(true);
    int samples = mode * 8;
    List<byte[]> packets = new ArrayList<>();
    for (int at = 0; at + samples <= pcm.length; at += samples) {
      ByteBuffer frame = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < samples; i++) {
        frame.putShort(pcm[at + i]);
      }
      byte[] out = new byte[mode == 20 ? 38 : 50];
      encode.invoke(encoder, out, 0, frame.array(), 0);
      packets.add(out);
    }
    return packets;
  }

  private static byte[] ffmpeg(Path work, String extension, double frequency, int rate, int millis,
      List<String> encoding) throws Exception {
    requireFfmpeg();
    Path out = Files.createTempFile(work, "encoded", "." + extension);
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "lavfi", "-i", "sine=frequency=" + frequency + ":sample_rate=" + rate + ":duration="
            + millis / 1000.0, "-ac", "1"));
    command.addAll(encoding);
    command.add(out.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("ffmpeg could not encode: " + said);
    }
    return Files.readAllBytes(out);
  }

  private static List<byte[]> split(byte[] raw, int size) {
    List<byte[]> packets = new ArrayList<>();
    for (int at = 0; at + size <= raw.length; at += size) {
      packets.add(Arrays.copyOfRange(raw, at, at + size));
    }
    return packets;
  }

  /** The packets of an Ogg stream, joined across the segments of its pages. */
  static List<byte[]> oggPackets(byte[] ogg) {
    List<byte[]> packets = new ArrayList<>();
    java.io.ByteArrayOutputStream packet = new java.io.ByteArrayOutputStream();
    int at = 0;
    while (at + 27 <= ogg.length) {
      int segments = ogg[at + 26] & 0xFF;
      int data = at + 27 + segments;
      for (int s = 0; s < segments; s++) {
        int lace = ogg[at + 27 + s] & 0xFF;
        packet.write(ogg, data, lace);
        data += lace;
        if (lace < 255) {
          packets.add(packet.toByteArray());
          packet.reset();
        }
      }
      at = data;
    }
    return packets;
  }
}
