package io.tandem.manager;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tandem.replay.ByteRange;
import io.tandem.replay.RangeNotSatisfiableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A recorder's admin API reduced to health and its beats, media and jobs, standing in for a recorder process in tests. */
final class FakeRecorder implements AutoCloseable {
  final AtomicBoolean healthy = new AtomicBoolean(true);
  volatile String lastRangeAsked;
  volatile String lastMediaPath;
  volatile String lastReprocessBody;
  volatile String lastRebuildBody;
  /** The status the next reprocess request gets: 202 starts a job, 409 says one is running. */
  volatile int reprocessStatus = 202;
  /** Jobs by id, as the recorder would show them. */
  final Map<String, String> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger jobCount = new AtomicInteger();
  private final HttpServer server;
  private final byte[] media;

  FakeRecorder(byte[] media) throws IOException {
    this.media = media;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // Each kept-open connection of beats holds a thread of its own.
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health", this::health);
    server.createContext("/api/beats", this::beats);
    server.createContext("/api/calls/", this::media);
    server.createContext("/api/reprocess", this::reprocess);
    server.createContext("/api/rebuild", this::rebuild);
    server.createContext("/api/jobs/", this::job);
    server.createContext("/api/jobs", this::allJobs);
    server.start();
  }

  String adminUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void health(HttpExchange exchange) throws IOException {
    byte[] body = ("{\"serial\":\"500000\",\"capturing\":" + healthy.get() + "}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(healthy.get() ? 200 : 503, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /** The health answer every asked interval, until the Manager goes or the server stops. */
  private void beats(HttpExchange exchange) throws IOException {
    long everyMs = Long.parseLong(exchange.getRequestURI().getQuery().replace("everyMs=", ""));
    exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      while (true) {
        out.write(("{\"serial\":\"500000\",\"capturing\":" + healthy.get() + "}\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(everyMs);
      }
    } catch (IOException | InterruptedException e) {
      // The Manager went, or the server stopped.
    }
  }

  private void media(HttpExchange exchange) throws IOException {
    lastMediaPath = exchange.getRequestURI().getPath();
    lastRangeAsked = exchange.getRequestHeaders().getFirst("Range");
    exchange.getResponseHeaders().set("Content-Type", "audio/wav");
    Optional<ByteRange> range;
    try {
      range = ByteRange.parse(lastRangeAsked, media.length);
    } catch (RangeNotSatisfiableException e) {
      exchange.getResponseHeaders().set("Content-Range", e.contentRange());
      exchange.sendResponseHeaders(416, -1);
      exchange.close();
      return;
    }
    byte[] body = range.map(r -> Arrays.copyOfRange(media, (int) r.first(), (int) r.last() + 1)).orElse(media);
    range.ifPresent(r -> exchange.getResponseHeaders().set("Content-Range", r.contentRange()));
    exchange.sendResponseHeaders(range.isPresent() ? 206 : 200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private void reprocess(HttpExchange exchange) throws IOException {
    lastReprocessBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (reprocessStatus != 202) {
      answer(exchange, reprocessStatus, "{\"error\":\"a rebuild is already running: job-0 Rebuild Full true true\"}");
      return;
    }
    String id = "job-" + jobCount.incrementAndGet();
    var asked = io.tandem.json.Json.MAPPER.readTree(lastReprocessBody);
    jobs.put(id, "{\"id\":\"" + id + "\",\"kind\":\"REPROCESS\",\"state\":\"RUNNING\",\"progress\":"
        + "{\"scanned\":0,\"total\":10,\"matched\":0,\"added\":0,\"alreadyPresent\":0},\"summary\":null,"
        + "\"error\":null,\"command\":\"Reprocess " + asked.path("from").asText() + " " + asked.path("to").asText()
        + "\",\"callsFrom\":\"" + asked.path("from").asText() + "\",\"callsTo\":\""
        + asked.path("to").asText() + "\"}");
    answer(exchange, 202, jobs.get(id));
  }

  private void rebuild(HttpExchange exchange) throws IOException {
    lastRebuildBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String id = "job-" + jobCount.incrementAndGet();
    jobs.put(id, "{\"id\":\"" + id + "\",\"kind\":\"REBUILD\",\"state\":\"RUNNING\",\"progress\":"
        + "{\"scanned\":0,\"total\":10,\"matched\":0,\"added\":0,\"alreadyPresent\":0},\"summary\":null,"
        + "\"error\":null}");
    answer(exchange, 202, jobs.get(id));
  }

  private void job(HttpExchange exchange) throws IOException {
    String id = exchange.getRequestURI().getPath().substring("/api/jobs/".length());
    String job = jobs.get(id);
    answer(exchange, job == null ? 404 : 200, job == null ? "{\"error\":\"no job " + id + "\"}" : job);
  }

  private void allJobs(HttpExchange exchange) throws IOException {
    answer(exchange, 200, "[" + String.join(",", jobs.values()) + "]");
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
