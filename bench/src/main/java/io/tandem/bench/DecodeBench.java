package io.tandem.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.tandem.capture.rtp.PayloadLog;
import io.tandem.capture.rtp.PayloadLogWriter;
import io.tandem.capture.rtp.RtpPacket;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.decoding.CallDecoder;
import io.tandem.decoding.DecodeOutcome;
import io.tandem.decoding.Ffmpeg;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures what decoding a call kept raw costs, per call-minute, against ffmpeg decoding the same stream by
 * itself in the same run: for G.729 (Debian's libbcg729 encoder, with Annex B silence) and Opus (ffmpeg's
 * libopus encoder), a one-stream call of M minutes, a tone one second in two and silence between.
 *
 * <ol>
 *   <li>baseline: ffmpeg alone decodes the encoder's own stream (raw G.729 frames; the Ogg Opus file its encoder
 *       wrote) to 16-bit PCM in a file;
 *   <li>recorder: {@link CallDecoder} decodes the call's payload log into its 8 kHz WAV as consolidation and
 *       first replay do: reads the log, writes ffmpeg's input, runs ffmpeg (resampling the WAV's audio when the
 *       rate rises, as it does for Opus to 48 kHz), rebuilds the WAV aside, fsyncs and renames it.
 * </ol>
 *
 * Wall time and CPU time (this JVM and the ffmpeg processes it waited for), medians over R repetitions after
 * one warm-up. Run after a package build of the reactor (bench/run decode does it):
 *
 * <pre>
 * java -cp 'tandem-dist/target/lib/*:bench/target/classes' io.tandem.bench.DecodeBench [--minutes M] [--repetitions R]
 * </pre>
 *
 * Defaults: 10 call-minutes, 5 repetitions; needs ffmpeg and libbcg729 (Debian packages ffmpeg, libbcg729-0).
 */
public final class DecodeBench {
  private static final String USAGE = "usage: DecodeBench [--minutes M] [--repetitions R]";
  private static final PayloadFormat G729 = PayloadFormat.of(18, "G729/8000", "annexb=yes");
  private static final PayloadFormat OPUS = PayloadFormat.of(111, "opus/48000/2", "");

  private final int minutes;
  private final int repetitions;
  private final Path work;

  private DecodeBench(int minutes, int repetitions, Path work) {
    this.minutes = minutes;
    this.repetitions = repetitions;
    this.work = work;
  }

  public static void main(String[] args) throws Throwable {
    int minutes = 10;
    int repetitions = 5;
    try {
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("expected a value after " + args[i]);
        }
        int value = Integer.parseInt(args[i + 1]);
        if (value < 1) {
          throw new IllegalArgumentException("expected a positive number after " + args[i] + ", got " + value);
        }
        switch (args[i]) {
          case "--minutes" -> minutes = value;
          case "--repetitions" -> repetitions = value;
          default -> throw new IllegalArgumentException("expected --minutes or --repetitions, got " + args[i]);
        }
      }
    } catch (NumberFormatException e) {
      System.err.println("expected whole numbers: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Path work = Files.createTempDirectory("tandem-decode-bench");
    try {
      new DecodeBench(minutes, repetitions, work).run();
    } finally {
      try (var files = Files.walk(work)) {
        for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private void run() throws Throwable {
    Ffmpeg ffmpeg = Ffmpeg.locate("ffmpeg");
    if (!ffmpeg.available()) {
      throw new IllegalStateException("ffmpeg is not installed (Debian package ffmpeg)");
    }
    System.out.printf("Decoding a one-stream call of %d minutes (a tone one second in two), %d repetitions after a "
        + "warm-up; ffmpeg %s%n", minutes, repetitions, ffmpegVersion());
    short[] signal = signal(minutes * 60 * 8000);
    measure("G.729", g729Call(signal), ffmpeg);
    measure("Opus", opusCall(signal), ffmpeg);
  }

  /** A call as capture leaves it: its silent 8 kHz WAV, its payload log, and the encoder's own stream. */
  private record Call(Path wav, Path log, List<String> baselineInput, long packets) {}

  private void measure(String codec, Call call, Ffmpeg ffmpeg) throws Exception {
    double[][] baseline = new double[2][repetitions];
    double[][] recorder = new double[2][repetitions];
    int rate = 0;
    for (int r = -1; r < repetitions; r++) {
      double[] alone = timed(() -> {
        List<String> args = new ArrayList<>(call.baselineInput());
        args.addAll(List.of("-c:a", "pcm_s16le", "-f", "s16le", work.resolve("alone.pcm").toString()));
        ffmpeg.run(args, java.time.Duration.ofMinutes(10));
        return 0;
      });
      Path wav = work.resolve("call-" + r + ".wav");
      Files.copy(call.wav(), wav, StandardCopyOption.REPLACE_EXISTING);
      Path log = PayloadLog.pending(wav);
      Files.copy(call.log(), log, StandardCopyOption.REPLACE_EXISTING);
      int[] decodedRate = new int[1];
      double[] decoded = timed(() -> {
        DecodeOutcome outcome = new CallDecoder(ffmpeg).decode(wav, log);
        decodedRate[0] = outcome.sampleRate();
        return 0;
      });
      rate = decodedRate[0];
      Files.deleteIfExists(wav);
      Files.deleteIfExists(log);
      if (r >= 0) {
        baseline[0][r] = alone[0];
        baseline[1][r] = alone[1];
        recorder[0][r] = decoded[0];
        recorder[1][r] = decoded[1];
        System.out.printf("  %s repetition %d: ffmpeg alone %.0f ms wall, %.0f ms CPU; recorder %.0f ms wall, %.0f ms"
            + " CPU%n", codec, r + 1, alone[0], alone[1], decoded[0], decoded[1]);
      }
    }
    double wallAlone = median(baseline[0]) / minutes;
    double cpuAlone = median(baseline[1]) / minutes;
    double wall = median(recorder[0]) / minutes;
    double cpu = median(recorder[1]) / minutes;
    System.out.printf("%-6s ffmpeg decoding the stream alone:   %7.1f ms wall, %7.1f ms CPU per call-minute (median)%n",
        codec, wallAlone, cpuAlone);
    System.out.printf("%-6s recorder decoding the call to %d Hz: %7.1f ms wall, %7.1f ms CPU per call-minute "
        + "(median; %d packets)%n", codec, rate, wall, cpu, call.packets());
    System.out.printf("%-6s ratio recorder/ffmpeg alone: %.2f wall, %.2f CPU%n", codec, wall / wallAlone,
        cpu / cpuAlone);
  }

  @FunctionalInterface
  private interface Work {
    int run() throws Exception;
  }

  /** Wall and CPU milliseconds of {@code work}: this JVM's CPU and that of the processes it waited for. */
  private static double[] timed(Work work) throws Exception {
    double cpu = ProcessCpu.ofThisJvm() + ProcessCpu.ofEndedChildren();
    long start = System.nanoTime();
    work.run();
    long wall = System.nanoTime() - start;
    return new double[] {wall / 1e6, (ProcessCpu.ofThisJvm() + ProcessCpu.ofEndedChildren() - cpu) * 1000};
  }

  private Call g729Call(short[] signal) throws Throwable {
    List<byte[]> packets = g729(signal);
    Path raw = work.resolve("g729.raw");
    try (var out = Files.newOutputStream(raw)) {
      for (byte[] packet : packets) {
        out.write(packet, 0, packet.length / 10 * 10);
      }
    }
    return call("g729", packets, G729, 160, List.of("-f", "g729", "-i", raw.toString()), signal.length);
  }

  private Call opusCall(short[] signal) throws Exception {
    Path source = work.resolve("signal.wav");
    writeWav(source, signal);
    Path ogg = work.resolve("opus.ogg");
    Process process = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i",
        source.toString(), "-ar", "48000", "-c:a", "libopus", "-b:a", "24k", "-frame_duration", "20",
        "-application", "voip", "-f", "ogg", ogg.toString()).redirectErrorStream(true).start();
    String said = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException("ffmpeg could not encode Opus: " + said);
    }
    List<byte[]> packets = oggPackets(Files.readAllBytes(ogg));
    packets = packets.subList(2, packets.size());
    return call("opus", packets, OPUS, 960, List.of("-i", ogg.toString()), signal.length);
  }

  /** Writes the capture WAV (silent, 8 kHz) and the payload log of {@code packets}, one per 20 ms. */
  private Call call(String name, List<byte[]> packets, PayloadFormat format, int step, List<String> baseline,
      int samples) throws IOException {
    Path wav = work.resolve(name + ".wav");
    try (FileChannel file = FileChannel.open(wav, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      WavFile.writeHeader(file, 1, samples * 2L);
      file.write(ByteBuffer.allocate(1), WavFile.HEADER_BYTES + samples * 2L - 1);
    }
    PayloadLogWriter writer = new PayloadLogWriter(wav);
    RtpPacket packet = new RtpPacket();
    byte[] datagram = new byte[2048];
    long sent = 0;
    for (int i = 0; i < packets.size(); i++) {
      byte[] payload = packets.get(i);
      if (payload.length == 0) {
        continue;
      }
      int length = RtpPacket.write(datagram, format.payloadType(), false, i & 0xFFFF, (long) i * step, 0x5EED,
          payload, 0, payload.length);
      packet.parse(datagram, 0, length);
      writer.packet(0, format, packet, i * 160L);
      sent++;
      if (i % 10 == 0) {
        writer.flush();
      }
    }
    writer.close();
    Path log = work.resolve(name + ".payloads");
    Files.move(PayloadLog.pending(wav), log, StandardCopyOption.REPLACE_EXISTING);
    return new Call(wav, log, baseline, sent);
  }

  /** A 1 kHz tone in the even seconds, silence in the odd ones. */
  private static short[] signal(int samples) {
    short[] pcm = new short[samples];
    for (int i = 0; i < samples; i++) {
      pcm[i] = (i / 8000) % 2 == 0 ? ToneAnalysis.toneSample(1000, 8000, i, 6000) : 0;
    }
    return pcm;
  }

  /** G.729 Annex A with Annex B VAD by libbcg729: two frames a packet; SID or nothing in silence. */
  private static List<byte[]> g729(short[] pcm) throws Throwable {
    SymbolLookup library = SymbolLookup.libraryLookup("libbcg729.so.0", Arena.global());
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
      for (int at = 0; at + 160 <= pcm.length; at += 160) {
        ByteBuffer payload = ByteBuffer.allocate(20);
        for (int frame = at; frame < at + 160; frame += 80) {
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

  private static void writeWav(Path wav, short[] pcm) throws IOException {
    ByteBuffer data = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short sample : pcm) {
      data.putShort(sample);
    }
    data.flip();
    try (FileChannel file = FileChannel.open(wav, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      WavFile.writeHeader(file, 1, pcm.length * 2L);
      file.write(data, WavFile.HEADER_BYTES);
    }
  }

  private static List<byte[]> oggPackets(byte[] ogg) {
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

  private static String ffmpegVersion() {
    try {
      Process process = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start();
      String first = new String(process.getInputStream().readAllBytes()).lines().findFirst().orElse("");
      process.waitFor(10, TimeUnit.SECONDS);
      return first.replace("ffmpeg version ", "").split(" ")[0];
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
