package io.tandem.bench;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.WavFile;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.replay.FileAnswer;
import io.tandem.replay.RangeNotSatisfiableException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Replay's first byte from a WAV sealed at rest against the same WAV plain, in the same run: one HTTP server on
 * loopback answers both as the recorder's media route does ({@link FileAnswer}, a single Range exactly), and a
 * client asks for the whole file, 64 KiB from the middle and the last 64 KiB, alternating plain and sealed, each
 * request on a fresh connection. Reported: time from sending the request to reading the first byte of the body,
 * and to reading the last, medians and 90th percentiles.
 *
 * <pre>bench/run replay [--minutes M] [--rounds R]</pre>
 * Defaults: a 10-minute two-channel 8 kHz call (19.2 MB of audio), 200 rounds.
 */
public final class ReplayBench {
  private static final int CHUNK = 64 * 1024;

  public static void main(String[] args) throws Exception {
    int minutes = 10;
    int rounds = 200;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--minutes" -> minutes = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        default -> {
          System.err.println("usage: ReplayBench [--minutes M] [--rounds R]");
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory("replay-bench");
    MediaFiles plain = MediaFiles.plain();
    MediaFiles sealed = MediaFiles.of(MediaKeys.generate(), true);
    long dataBytes = minutes * 60L * 8000 * 2 * 2;
    write(plain, dir.resolve("plain.wav"), dataBytes);
    write(sealed, dir.resolve("sealed.wav"), dataBytes);
    System.out.printf("replay of a %d-minute two-channel WAV (%d bytes), plain against sealed, %d rounds, load average"
        + " %s%n", minutes, dataBytes + 44, rounds, Files.readString(Path.of("/proc/loadavg")).strip());
    System.out.printf("on disk: plain %d bytes, sealed %d bytes%n", Files.size(dir.resolve("plain.wav")),
        Files.size(dir.resolve("sealed.wav")));
    Map<String, MediaFiles> files = Map.of("plain", plain, "sealed", sealed);
    Javalin app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.http.compressionStrategy = io.javalin.compression.CompressionStrategy.NONE;
      cfg.routes.get("/{kind}", ctx -> serve(ctx, files.get(ctx.pathParam("kind")),
          dir.resolve(ctx.pathParam("kind") + ".wav")));
    }).start("127.0.0.1", 0);
    try {
      String base = "http://127.0.0.1:" + app.port() + "/";
      long size = dataBytes + 44;
      String middle = "bytes=" + (size / 2) + "-" + (size / 2 + CHUNK - 1);
      String tail = "bytes=-" + CHUNK;
      for (String kind : List.of("plain", "sealed")) {
        // Warm up both paths: the JIT, the page cache.
        for (int i = 0; i < 20; i++) {
          fetch(base + kind, null);
          fetch(base + kind, middle);
        }
      }
      String[] asks = {null, middle, tail};
      String[] names = {"whole file (200)", "64 KiB from the middle (206)", "last 64 KiB (206)"};
      for (int a = 0; a < asks.length; a++) {
        long[][] first = new long[2][rounds];
        long[][] last = new long[2][rounds];
        for (int r = 0; r < rounds; r++) {
          for (int k = 0; k < 2; k++) {
            int kind = (r + k) % 2;
            long[] times = fetch(base + (kind == 0 ? "plain" : "sealed"), asks[a]);
            first[kind][r] = times[0];
            last[kind][r] = times[1];
          }
        }
        System.out.printf("%s:%n", names[a]);
        System.out.printf("  first byte  plain  median %7.3f ms, p90 %7.3f ms%n", median(first[0]), p90(first[0]));
        System.out.printf("  first byte  sealed median %7.3f ms, p90 %7.3f ms  (x %.2f)%n", median(first[1]),
            p90(first[1]), median(first[1]) / median(first[0]));
        System.out.printf("  last byte   plain  median %7.3f ms, p90 %7.3f ms%n", median(last[0]), p90(last[0]));
        System.out.printf("  last byte   sealed median %7.3f ms, p90 %7.3f ms  (x %.2f)%n", median(last[1]),
            p90(last[1]), median(last[1]) / median(last[0]));
      }
    } finally {
      app.stop();
      for (Path file : List.of(dir.resolve("plain.wav"), dir.resolve("sealed.wav"), dir)) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static void serve(Context ctx, MediaFiles files, Path wav) throws Exception {
    FileAnswer answer;
    try {
      answer = FileAnswer.of(files, wav, ctx.header("Range"));
    } catch (RangeNotSatisfiableException e) {
      ctx.status(416);
      return;
    }
    ctx.status(answer.status()).contentType("audio/wav");
    answer.headers().forEach(ctx::header);
    answer.writeTo(ctx.outputStream());
  }

  /** Nanoseconds from sending the request to its first body byte read, and to its last. */
  private static long[] fetch(String url, String range) throws Exception {
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
      if (range != null) {
        request.header("Range", range);
      }
      long start = System.nanoTime();
      HttpResponse<InputStream> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = answer.body()) {
        if (body.read() < 0) {
          throw new IllegalStateException("an empty answer to " + url);
        }
        long first = System.nanoTime() - start;
        byte[] sink = new byte[CHUNK];
        while (body.read(sink) >= 0) {
          // read to the end
        }
        return new long[] {first, System.nanoTime() - start};
      }
    }
  }

  private static void write(MediaFiles files, Path wav, long dataBytes) throws Exception {
    try (MediaChannel channel = files.create(wav)) {
      WavFile.writeHeader(channel, 2, dataBytes);
      ByteBuffer block = ByteBuffer.allocate(32_000).order(ByteOrder.LITTLE_ENDIAN);
      long frame = 0;
      for (long at = 0; at < dataBytes; at += block.capacity()) {
        block.clear();
        while (block.hasRemaining()) {
          block.putShort((short) (8000 * Math.sin(frame * 2 * Math.PI * 440 / 8000)));
          block.putShort((short) (8000 * Math.sin(frame * 2 * Math.PI * 1000 / 8000)));
          frame++;
        }
        block.flip().limit((int) Math.min(block.capacity(), dataBytes - at));
        channel.write(block, 44 + at);
      }
      channel.force();
    }
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1e6;
  }

  private static double p90(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[(int) (sorted.length * 0.9)] / 1e6;
  }

  private ReplayBench() {}
}
