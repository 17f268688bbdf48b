package io.tandem.decoding;

import io.tandem.call.DtmfEvent;
import io.tandem.capture.rtp.PayloadLog;
import io.tandem.capture.rtp.TelephoneEvents;
import io.tandem.config.PrivateFiles;
import io.tandem.media.AudioEncoding;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.WavFile;
import io.tandem.media.WavHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one finished call's payload log into its WAV: the packets are sorted into runs (a channel, a
 * decodable encoding), ffmpeg decodes every run at once to the call's new rate (the highest audio rate of
 * its runs, 8000 at least) and resamples the WAV's G.711 audio to it when that rate is higher, and each
 * packet's audio overwrites its place in its channel. The new WAV is written aside in a work folder beside
 * the call's files, fsynced and renamed over the old one, so a kill -9 leaves either WAV whole. Doing it
 * again on the WAV it made gives the same WAV: packets overwrite, they do not add. When media are sealed at rest,
 * no plain audio touches the disk: the decode's own files are sealed under a key that lives in this decode
 * alone, and ffmpeg reads and writes them through pipes, one process a run. Thread-safe as long as one call is
 * decoded by one thread at a time.
 */
public final class CallDecoder {
  private static final Logger log = LoggerFactory.getLogger(CallDecoder.class);
  private static final int TIMELINE_RATE = 8000;
  private static final String UNSUPPORTED = "codec-unsupported:";

  private final Ffmpeg ffmpeg;
  private final MediaFiles files;

  public CallDecoder(Ffmpeg ffmpeg) {
    this(ffmpeg, MediaFiles.plain());
  }

  /** {@code files} reads the call's files and writes its new WAV, sealed when it seals new files. */
  public CallDecoder(Ffmpeg ffmpeg, MediaFiles files) {
    this.ffmpeg = ffmpeg;
    this.files = files;
  }

  public Ffmpeg ffmpeg() {
    return ffmpeg;
  }

  /**
   * Decodes the payload log {@code payloadLog} into {@code wav}.
   *
   * @throws IOException when the files cannot be read or written, or ffmpeg fails on the G.711 audio
   */
  public DecodeOutcome decode(Path wav, Path payloadLog) throws IOException {
    Path work = workFolder(wav);
    deleteTree(work);
    PrivateFiles.createFolders(work);
    boolean piped = files.sealsNew() || MediaFiles.isSealed(wav);
    MediaFiles scratch = piped ? MediaFiles.ephemeral() : MediaFiles.plain();
    try {
      Runs runs = new Runs(work, scratch);
      try {
        PayloadLog.read(files, payloadLog, runs::add);
      } finally {
        runs.close();
      }
      List<PayloadRun> decodable = runs.decodable();
      Set<String> quirks = new LinkedHashSet<>(runs.unsupported);
      if (decodable.isEmpty()) {
        return new DecodeOutcome(-1, -1, 0, List.copyOf(quirks), runs.dtmf(), quirks.isEmpty());
      }
      WavHeader capture;
      try (MediaChannel channel = files.open(wav, false)) {
        capture = WavFile.header(channel, wav);
      }
      int rate = TIMELINE_RATE;
      for (PayloadRun run : decodable) {
        rate = Math.max(rate, run.audioRate);
      }
      List<PayloadRun> decoded = piped ? runPiped(wav, capture, decodable, rate, work, scratch)
          : runFfmpeg(wav, capture, decodable, rate, work);
      for (PayloadRun run : decodable) {
        if (!decoded.contains(run)) {
          quirks.add("codec-undecodable:" + run.encoding);
        }
      }
      Path built = work.resolve("decoded.wav");
      long dataBytes = new WavRebuild(wav, capture, rate, work.resolve("capture.pcm"), files, scratch)
          .build(built, decoded);
      Files.move(built, wav, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncFolder(wav.getParent());
      long duration = WavFile.durationMillis(dataBytes, capture.channels(), rate);
      return new DecodeOutcome(dataBytes, duration, rate, List.copyOf(quirks), runs.dtmf(), quirks.isEmpty());
    } finally {
      deleteTree(work);
    }
  }

  /** The folder a decode of {@code wav} works in; left behind only by a crash, and cleared by the next decode. */
  public static Path workFolder(Path wav) {
    return PayloadLog.decodingFolder(wav);
  }

  /**
   * Decodes every run, and the WAV's audio when the rate rises, in one ffmpeg process; when that fails, each
   * run alone, so that one bad run does not keep the others raw. Returns the runs decoded.
   */
  private List<PayloadRun> runFfmpeg(Path wav, WavHeader capture, List<PayloadRun> runs, int rate, Path work)
      throws IOException {
    // A WAV with no G.711 in it (a call all in other codecs) is silence at any rate: nothing to resample.
    boolean resample = capture.sampleRate() != rate && capture.dataBytes() > 0 && !silent(wav, capture);
    Duration timeout = Duration.ofSeconds(60 + capture.dataBytes() / capture.blockAlign() / capture.sampleRate() / 60);
    try {
      ffmpeg.run(arguments(runs, resample ? wav : null, rate, work), timeout);
      return runs;
    } catch (IOException all) {
      log.warn("decoding {} in one pass failed, trying each run alone: {}", wav.getFileName(), all.getMessage());
    }
    if (resample) {
      ffmpeg.run(arguments(List.of(), wav, rate, work), timeout);
    }
    List<PayloadRun> decoded = new ArrayList<>();
    for (PayloadRun run : runs) {
      try {
        ffmpeg.run(arguments(List.of(run), null, rate, work), timeout);
        decoded.add(run);
      } catch (IOException e) {
        log.warn("{} of channel {} in {} cannot be decoded; kept raw: {}", run.encoding, run.channel,
            wav.getFileName(), e.getMessage());
      }
    }
    return decoded;
  }

  /**
   * {@link #runFfmpeg} through pipes: the WAV's audio resampled by one process when the rate rises, then each run
   * by a process of its own, its input and output sealed files of this decode.
   */
  private List<PayloadRun> runPiped(Path wav, WavHeader capture, List<PayloadRun> runs, int rate, Path work,
      MediaFiles scratch) throws IOException {
    boolean resample = capture.sampleRate() != rate && capture.dataBytes() > 0 && !silent(wav, capture);
    Duration timeout = Duration.ofSeconds(60 + capture.dataBytes() / capture.blockAlign() / capture.sampleRate() / 60);
    String hz = Integer.toString(rate);
    List<String> output = List.of("-map", "0:a:0", "-ac", "1", "-ar", hz, "-c:a", "pcm_s16le", "-f", "s16le", "pipe:1");
    if (resample) {
      try (InputStream in = files.newInputStream(wav);
          OutputStream out = scratch.newOutputStream(work.resolve("capture.pcm"))) {
        ffmpeg.pipe(List.of("-f", "wav", "-i", "pipe:0", "-map", "0:a:0", "-ar", hz, "-c:a", "pcm_s16le", "-f",
            "s16le", "pipe:1"), in, out, timeout);
      }
    }
    List<PayloadRun> decoded = new ArrayList<>();
    for (PayloadRun run : runs) {
      List<String> arguments = new ArrayList<>(run.inputOptions("pipe:0"));
      arguments.addAll(output);
      try (InputStream in = scratch.newInputStream(run.input); OutputStream out = scratch.newOutputStream(run.output)) {
        ffmpeg.pipe(arguments, in, out, timeout);
        decoded.add(run);
      } catch (IOException e) {
        log.warn("{} of channel {} in {} cannot be decoded; kept raw: {}", run.encoding, run.channel,
            wav.getFileName(), e.getMessage());
      }
    }
    return decoded;
  }

  /** Whether every sample of the WAV's data is zero. */
  private boolean silent(Path wav, WavHeader header) throws IOException {
    try (MediaChannel in = files.open(wav, false)) {
      ByteBuffer block = ByteBuffer.allocate(1 << 16);
      long at = header.dataOffset();
      long end = header.dataOffset() + header.dataBytes();
      while (at < end) {
        block.clear().limit((int) Math.min(block.capacity(), end - at));
        int read = in.read(block, at);
        if (read <= 0) {
          return true;
        }
        LongBuffer words = block.flip().asLongBuffer();
        while (words.hasRemaining()) {
          if (words.get() != 0) {
            return false;
          }
        }
        for (int i = words.limit() * 8; i < read; i++) {
          if (block.get(i) != 0) {
            return false;
          }
        }
        at += read;
      }
      return true;
    }
  }

  private static List<String> arguments(List<PayloadRun> runs, Path resampled, int rate, Path work) {
    List<String> args = new ArrayList<>();
    for (PayloadRun run : runs) {
      args.addAll(run.inputOptions());
    }
    if (resampled != null) {
      args.addAll(List.of("-i", resampled.toString()));
    }
    String hz = Integer.toString(rate);
    for (int i = 0; i < runs.size(); i++) {
      args.addAll(List.of("-map", i + ":a:0", "-ac", "1", "-ar", hz, "-c:a", "pcm_s16le", "-f", "s16le",
          runs.get(i).output.toString()));
    }
    if (resampled != null) {
      args.addAll(List.of("-map", runs.size() + ":a:0", "-ar", hz, "-c:a", "pcm_s16le", "-f", "s16le",
          work.resolve("capture.pcm").toString()));
    }
    return args;
  }

  private static void syncFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a folder; the rename is as durable as they make it.
    }
  }

  static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** The log's packets sorted into runs, the formats nobody decodes, and the DTMF of each channel. */
  private final class Runs {
    private final Path work;
    private final MediaFiles scratch;
    private final Map<String, PayloadRun> runs = new LinkedHashMap<>();
    private final Map<Integer, TelephoneEvents> events = new TreeMap<>();
    final Set<String> unsupported = new LinkedHashSet<>();

    Runs(Path work, MediaFiles scratch) {
      this.work = work;
      this.scratch = scratch;
    }

    void add(PayloadLog.Packet packet) throws IOException {
      AudioEncoding encoding = AudioEncoding.named(packet.format().encoding());
      if (encoding == AudioEncoding.TELEPHONE_EVENT) {
        byte[] payload = packet.payload();
        events.computeIfAbsent(packet.channel(), c -> new TelephoneEvents()).accept(payload, 0, payload.length,
            packet.ssrc(), packet.timestamp(), packet.position(), packet.format().clockRate());
        return;
      }
      if (encoding == AudioEncoding.CN || encoding.g711()) {
        return;
      }
      if (!encoding.decodable() || !ffmpeg.decodes(PayloadRun.decoderNames(encoding))
          || (encoding == AudioEncoding.ILBC && AudioEncoding.ilbcMode(packet.payload().length) == 0)) {
        unsupported.add(UNSUPPORTED + packet.format().encoding());
        return;
      }
      String key = PayloadRun.key(packet.channel(), encoding, packet.payload());
      PayloadRun run = runs.get(key);
      if (run == null) {
        run = new PayloadRun(runs.size(), packet.channel(), encoding, encoding.audioRate(packet.format().fmtp()),
            encoding == AudioEncoding.ILBC ? AudioEncoding.ilbcMode(packet.payload().length) : 0, work, scratch);
        runs.put(key, run);
      }
      run.add(packet);
    }

    List<PayloadRun> decodable() {
      return runs.values().stream().filter(run -> run.count() > 0).toList();
    }

    List<DtmfEvent> dtmf() {
      List<DtmfEvent> all = new ArrayList<>();
      for (TelephoneEvents channel : events.values()) {
        channel.finish();
        all.addAll(channel.events());
      }
      all.sort(Comparator.comparingLong(DtmfEvent::startMillis));
      return all;
    }

    void close() throws IOException {
      for (PayloadRun run : runs.values()) {
        run.close();
      }
    }
  }
}
