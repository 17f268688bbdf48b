package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.database.MediaSource;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay's first byte through a real Recorder Manager, run by hand with {@code -Dfigures=true}
 * ({@code bench/run replay-copies}): one conversation recorded by a real pair (recorder processes, SIPREC and RTP
 * from the simulator), its Main's copy archived to a folder the Manager reads, its Backup's copy linked and held
 * only in the Backup's call buffer. Each round asks, in turn and on kept-alive connections as a browser's player
 * does:
 * <ul>
 *   <li>the Manager for the archived copy ({@code /api/interactions/{id}/copies/{inum}/media}: read from the
 *       folder), and the file itself, read directly (open, position, read);</li>
 *   <li>the Manager for the other copy (fetched from the recorder that holds it), the recorder's own media route
 *       for it, and its file in the call buffer, read directly.</li>
 * </ul>
 * Three asks each: the whole file (first and last byte), and 64 KiB from the middle. Every answer is checked
 * against the file's bytes before the rounds. Prints medians and 90th percentiles, and each source's ratio to the
 * direct read of its own file.
 */
@EnabledIfSystemProperty(named = "figures", matches = "true")
class ReplayFiguresTest {
  private static final int MAIN = 398_001;
  private static final int BACKUP = 398_002;
  private static final int ROUNDS = Integer.getInteger("figures.rounds", 200);
  private static final int SECONDS = Integer.getInteger("figures.seconds", 60);
  private static final int CHUNK = 64 * 1024;

  @TempDir
  static Path root;
  private static PairFixture pair;

  @BeforeAll
  static void start() throws Exception {
    pair = PairFixture.builder(root, MAIN, BACKUP, 49_000).rtpPorts(200).managerAsProcess()
        .recorderSettings(Map.of("gap.grace", "2s")).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void firstByteOfAnArchivedCopyAndOfACopyFetchedFromItsRecorderAgainstReadingTheirFiles() throws Exception {
    SimulationReport report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1,
        Duration.ofSeconds(SECONDS), "udp", 0)).run();
    assertThat(report.failures()).as("simulated conversations that failed").isZero();
    JsonNode interaction = await().atMost(Duration.ofSeconds(60)).until(pair::onlyInteraction,
        found -> found != null && found.get("copies").size() == 2);
    long id = interaction.get("id").asLong();
    MediaSource archived = await().atMost(Duration.ofSeconds(60)).until(() -> pair.database.copySources(id).stream()
        .filter(MediaSource::archived).findFirst().orElse(null), java.util.Objects::nonNull);
    MediaSource held = pair.database.copySources(id).stream().filter(source -> !source.inum().equals(archived.inum()))
        .findFirst().orElseThrow();
    assertThat(held.archived()).as("the premise: one copy archived, the other only in its recorder's buffer")
        .isFalse();
    RecorderProcess holder = held.serial() == MAIN ? pair.main : pair.backup;

    String manager = pair.managerUrl() + "/api/interactions/" + id + "/copies/";
    Source throughManagerArchived = Source.http("Manager, archived copy (folder)", manager + archived.inum()
        + "/media");
    Source throughManagerHeld = Source.http("Manager, copy fetched from recorder", manager + held.inum() + "/media");
    Source recorderRoute = Source.http("recorder's own media route", holder.adminUrl() + "/api/calls/" + held.inum()
        + "/media");
    byte[] archivedBytes = throughManagerArchived.whole();
    byte[] heldBytes = throughManagerHeld.whole();
    assertThat(recorderRoute.whole()).as("the recorder's answer is the Manager's").isEqualTo(heldBytes);
    Path archivedFile = Path.of(archived.archiveLocation());
    assertThat(Files.readAllBytes(archivedFile)).as("the Manager serves the archived file's bytes")
        .isEqualTo(archivedBytes);
    Path heldFile = fileWithBytes(holder.dataDir, heldBytes);
    Source archivedDirect = Source.file("archived file, read directly", archivedFile);
    Source heldDirect = Source.file("recorder's file, read directly", heldFile);

    List<Source> sources = List.of(throughManagerArchived, archivedDirect, throughManagerHeld, recorderRoute,
        heldDirect);
    long[] sizes = {archivedBytes.length, archivedBytes.length, heldBytes.length, heldBytes.length,
        heldBytes.length};
    // Warm: the JIT of all three processes, the page cache, the connections.
    for (int i = 0; i < 30; i++) {
      for (int s = 0; s < sources.size(); s++) {
        sources.get(s).time(-1, sizes[s]);
        sources.get(s).time(sizes[s] / 2, sizes[s]);
      }
    }
    String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
    int n = sources.size();
    long[][] wholeFirst = new long[n][ROUNDS];
    long[][] wholeLast = new long[n][ROUNDS];
    long[][] middleFirst = new long[n][ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      for (int k = 0; k < n; k++) {
        // Each round starts with a different source, so that no source always follows the same one.
        int s = (r + k) % n;
        long[] whole = sources.get(s).time(-1, sizes[s]);
        wholeFirst[s][r] = whole[0];
        wholeLast[s][r] = whole[1];
        middleFirst[s][r] = sources.get(s).time(sizes[s] / 2, sizes[s])[0];
      }
    }
    System.out.printf("replay figures: one %d s conversation, copies of %d bytes (archived %s) and %d bytes (held by"
        + " recorder %d), %d rounds, load average %s before, %s after%n", SECONDS, archivedBytes.length,
        archived.inum(), heldBytes.length, holder.serial, ROUNDS, loadBefore,
        Files.readString(Path.of("/proc/loadavg")).strip());
    int[] baseline = {1, 1, 4, 4, 4};
    for (int s = 0; s < n; s++) {
      double base = median(wholeFirst[baseline[s]]);
      double baseMiddle = median(middleFirst[baseline[s]]);
      double baseLast = median(wholeLast[baseline[s]]);
      System.out.printf("  %-38s first byte %7.3f ms (p90 %7.3f, x %6.1f)  64 KiB from the middle %7.3f ms (p90 "
          + "%7.3f, x %6.1f)  last byte %7.3f ms (x %5.2f)%n", sources.get(s).name, median(wholeFirst[s]),
          p90(wholeFirst[s]), median(wholeFirst[s]) / base, median(middleFirst[s]), p90(middleFirst[s]),
          median(middleFirst[s]) / baseMiddle, median(wholeLast[s]), median(wholeLast[s]) / baseLast);
    }
    for (Source source : sources) {
      source.close();
    }
    assertThat(median(wholeFirst[2])).as("a copy fetched from its recorder, first byte in ms").isLessThan(1000);
  }

  /** What the harness asks of one source: timed reads of the whole file, or of 64 KiB from a position. */
  private abstract static class Source implements AutoCloseable {
    final String name;

    Source(String name) {
      this.name = name;
    }

    static Source http(String name, String url) {
      return new HttpSource(name, url);
    }

    static Source file(String name, Path file) {
      return new FileSource(name, file);
    }

    /**
     * Nanoseconds to the first byte and to the last: of the whole file when {@code from} is negative, else of
     * 64 KiB from {@code from}.
     */
    abstract long[] time(long from, long size) throws Exception;

    abstract byte[] whole() throws Exception;

    @Override
    public void close() {}
  }

  private static final class HttpSource extends Source {
    private final String url;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    HttpSource(String name, String url) {
      super(name);
      this.url = url;
    }

    private HttpRequest.Builder request() {
      return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TestAccess.ADMIN_TOKEN);
    }

    @Override
    long[] time(long from, long size) throws Exception {
      HttpRequest.Builder request = request();
      int expected = 200;
      if (from >= 0) {
        request.header("Range", "bytes=" + from + "-" + (from + CHUNK - 1));
        expected = 206;
      }
      long start = System.nanoTime();
      HttpResponse<InputStream> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = answer.body()) {
        if (answer.statusCode() != expected) {
          throw new IllegalStateException(name + " answered " + answer.statusCode() + ": "
              + new String(body.readAllBytes()));
        }
        if (body.read() < 0) {
          throw new IllegalStateException(name + " answered no body");
        }
        long first = System.nanoTime() - start;
        body.transferTo(java.io.OutputStream.nullOutputStream());
        return new long[] {first, System.nanoTime() - start};
      }
    }

    @Override
    byte[] whole() throws Exception {
      HttpResponse<byte[]> answer = client.send(request().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(answer.statusCode()).as("%s: %s", name, url).isEqualTo(200);
      return answer.body();
    }

    @Override
    public void close() {
      client.close();
    }
  }

  private static final class FileSource extends Source {
    private final Path file;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);

    FileSource(String name, Path file) {
      super(name);
      this.file = file;
    }

    @Override
    long[] time(long from, long size) throws Exception {
      long start = System.nanoTime();
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        long at = Math.max(0, from);
        long end = from < 0 ? size : Math.min(size, from + CHUNK);
        buffer.clear().limit(1);
        if (channel.read(buffer, at) < 1) {
          throw new IllegalStateException(file + " has no byte at " + at);
        }
        long first = System.nanoTime() - start;
        at++;
        while (at < end) {
          buffer.clear().limit((int) Math.min(CHUNK, end - at));
          int read = channel.read(buffer, at);
          if (read < 0) {
            throw new IllegalStateException(file + " ends at " + at + ", before " + end);
          }
          at += read;
        }
        return new long[] {first, System.nanoTime() - start};
      }
    }

    @Override
    byte[] whole() throws IOException {
      return Files.readAllBytes(file);
    }
  }

  /** The WAV under the recorder's data folder whose bytes are the ones served for its copy. */
  private static Path fileWithBytes(Path dataDir, byte[] bytes) throws IOException {
    List<Path> same = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".wav")).toList()) {
        if (Files.size(file) == bytes.length && Arrays.equals(Files.readAllBytes(file), bytes)) {
          same.add(file);
        }
      }
    }
    assertThat(same).as("the held copy's file in %s", dataDir).hasSize(1);
    return same.getFirst();
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
}
