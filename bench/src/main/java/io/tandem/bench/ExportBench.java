package io.tandem.bench;

import io.tandem.access.AccessRole;
import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.Fence;
import io.tandem.database.RecorderRegistration;
import io.tandem.manager.ManagerConfig;
import io.tandem.manager.ManagerAssembly;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The ZIP export of a search through a real Recorder Manager against two baselines in the same run: fetching each
 * interaction's WAV by replay, one request after another, through the same Manager; and, in process, reading each
 * archived file, hashing it with SHA-256 and zipping it to nowhere (the least any export must do). The interactions
 * are archived plain WAVs on local disk, so the Manager reads them as replay does. Reported: medians of the rounds,
 * each round running the three in turn.
 *
 * <pre>bench/run export [INTERACTIONS] [MINUTES] [ROUNDS]</pre>
 * Defaults: 20 interactions of 2 minutes (two channels, 8 kHz, 16-bit: 3.84 MB each), 7 rounds.
 */
public final class ExportBench {
  private static final int SERIAL = 520_000;
  private static final Instant T0 = Instant.parse("2026-11-26T14:30:00Z");

  public static void main(String[] args) throws Exception {
    int interactions = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    Path dir = Files.createTempDirectory("export-bench");
    try (EmbeddedDatabase server = EmbeddedDatabase.start(dir.resolve("postgres"), 0)) {
      CallDatabase database = CallDatabase.connect(server.config(4));
      database.migrate();
      String token = database.credentials().addToken("bench", AccessRole.SUPERVISOR, "export bench").token();
      database.register(new RecorderRegistration(SERIAL, "pair-bench", Position.MAIN, "http://127.0.0.1:9",
          "127.0.0.1:9"));
      List<Path> wavs = archive(database, dir, interactions, minutes * 60L * 8000 * 2 * 2);
      ManagerAssembly manager = new ManagerAssembly(new ManagerConfig("127.0.0.1", 0, server.jdbcUrl(), "postgres",
          "", Duration.ofSeconds(5), 3), database);
      manager.start();
      try {
        System.out.printf("export of %d interactions of %d minutes (%d bytes of WAV in all), %d rounds, load average"
            + " %s%n", interactions, minutes, totalBytes(wavs), rounds, Files.readString(Path.of("/proc/loadavg"))
            .strip());
        run(manager.port(), token, wavs, interactions, rounds);
      } finally {
        manager.stop();
        database.close();
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
  }

  private static void run(int port, String token, List<Path> wavs, int interactions, int rounds) throws Exception {
    String base = "http://127.0.0.1:" + port;
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<String> ids = ids(client, base, token);
    long[] export = new long[rounds];
    long[] replays = new long[rounds];
    long[] raw = new long[rounds];
    for (int r = -1; r < rounds; r++) {
      // Round -1 warms the JIT and the page cache and is not counted.
      long start = System.nanoTime();
      long zipped = drain(client, base + "/api/interactions/export.zip?limit=" + interactions, token);
      long exported = System.nanoTime() - start;
      start = System.nanoTime();
      long replayed = 0;
      for (String id : ids) {
        replayed += drain(client, base + "/api/interactions/" + id + "/media", token);
      }
      long replaying = System.nanoTime() - start;
      start = System.nanoTime();
      hashAndZip(wavs);
      long rawTime = System.nanoTime() - start;
      if (r >= 0) {
        export[r] = exported;
        replays[r] = replaying;
        raw[r] = rawTime;
      }
      if (r == -1) {
        System.out.printf("ZIP %d bytes, replays %d bytes%n", zipped, replayed);
      }
    }
    System.out.printf("export.zip                    median %8.1f ms%n", median(export));
    System.out.printf("replay of each, one by one    median %8.1f ms  (export x %.2f)%n", median(replays),
        median(export) / median(replays));
    System.out.printf("read + SHA-256 + zip, raw     median %8.1f ms  (export x %.2f)%n", median(raw),
        median(export) / median(raw));
  }

  private static List<Path> archive(CallDatabase database, Path dir, int count, long dataBytes) throws Exception {
    List<CallRecord> calls = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Instant start = T0.plusSeconds(i * 600L);
      calls.add(new CallRecord(Inum.of(SERIAL, i), "bench-" + i, start, start.plusSeconds(dataBytes / 32_000),
          CallRole.MASTER, CallState.COMPLETE, List.of(new Participant("p1", "sip:+1555000" + i + "@bench.invalid",
          "Caller " + i)), List.of(), new MediaStats(250, 0, 40_000, 5000), "media/" + i + ".wav"));
    }
    database.mark(new Fence(SERIAL, 1), calls);
    List<Path> wavs = new ArrayList<>();
    Random random = new Random(7);
    byte[] block = new byte[64 * 1024];
    for (int i = 1; i <= count; i++) {
      Path wav = dir.resolve(i + ".wav");
      try (OutputStream out = Files.newOutputStream(wav)) {
        for (long written = 0; written < dataBytes + 44; written += block.length) {
          random.nextBytes(block);
          out.write(block, 0, (int) Math.min(block.length, dataBytes + 44 - written));
        }
      }
      database.recordArchived(Inum.of(SERIAL, i), wav.toString(), "00", Files.size(wav));
      wavs.add(wav);
    }
    return wavs;
  }

  private static List<String> ids(HttpClient client, String base, String token) throws Exception {
    HttpResponse<String> answer = client.send(request(base + "/api/interactions?limit=100000", token),
        HttpResponse.BodyHandlers.ofString());
    List<String> ids = new ArrayList<>();
    io.tandem.json.Json.MAPPER.readTree(answer.body()).forEach(node -> ids.add(node.get("id").asText()));
    return ids;
  }

  private static long drain(HttpClient client, String url, String token) throws Exception {
    HttpResponse<InputStream> answer = client.send(request(url, token), HttpResponse.BodyHandlers.ofInputStream());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + answer.statusCode());
    }
    try (InputStream body = answer.body()) {
      return body.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static HttpRequest request(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build();
  }

  /** Each file read once for its SHA-256 and CRC-32, then once into a stored ZIP entry, as the export must. */
  private static void hashAndZip(List<Path> wavs) throws Exception {
    byte[] block = new byte[64 * 1024];
    try (ZipOutputStream zip = new ZipOutputStream(OutputStream.nullOutputStream())) {
      for (Path wav : wavs) {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        CRC32 crc = new CRC32();
        try (InputStream in = Files.newInputStream(wav)) {
          for (int read = in.read(block); read >= 0; read = in.read(block)) {
            sha256.update(block, 0, read);
            crc.update(block, 0, read);
          }
        }
        sha256.digest();
        ZipEntry entry = new ZipEntry(wav.getFileName().toString());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(Files.size(wav));
        entry.setCompressedSize(Files.size(wav));
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        Files.copy(wav, zip);
        zip.closeEntry();
      }
    }
  }

  private static long totalBytes(List<Path> wavs) throws Exception {
    long total = 0;
    for (Path wav : wavs) {
      total += Files.size(wav);
    }
    return total;
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1e6;
  }

  private ExportBench() {}
}
