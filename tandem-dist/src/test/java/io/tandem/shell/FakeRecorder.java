package io.tandem.shell;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A recorder admin API that answers from a script: a fixed status, a chosen answer to POST /api/rebuild,
 * and job views handed out one per GET (the last one repeats). Records every rebuild request body.
 */
final class FakeRecorder implements AutoCloseable {
  static final String STATUS = """
      {"serial":"100001","pair":"pair-1","position":"MAIN","role":"PRIMARY","epoch":3,"registered":true,
       "timeZone":"Europe/Paris","sipAddress":"127.0.0.1:5060","activeCalls":2,
       "buffer":{"calls":6,"bytes":576000,"oldestStart":"2026-11-26T13:30:00.123456Z","newestStart":"2026-11-26T14:00:00Z"},
       "workflow":{"PENDING":1,"ARCHIVING":0,"DONE":5,"FAILED":0,"AWAITING_REPROCESS":0}}""";

  final List<String> rebuildRequests = new CopyOnWriteArrayList<>();
  private final Queue<String> jobAnswers = new ConcurrentLinkedQueue<>();
  private final HttpServer server;
  private volatile int rebuildStatus = 202;
  private volatile String rebuildAnswer;
  private volatile String lastJobAnswer;

  FakeRecorder() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/status", exchange -> answer(exchange, 200, STATUS));
    server.createContext("/api/rebuild", exchange -> {
      rebuildRequests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      answer(exchange, rebuildStatus, rebuildAnswer);
    });
    server.createContext("/api/jobs/", exchange -> {
      String next = jobAnswers.poll();
      lastJobAnswer = next != null ? next : lastJobAnswer;
      answer(exchange, 200, lastJobAnswer);
    });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** POST /api/rebuild answers {@code status} with {@code body}. */
  void answerRebuild(int status, String body) {
    rebuildStatus = status;
    rebuildAnswer = body;
  }

  /** The job views later GET /api/jobs/{id} return, in order. */
  void thenJob(String... views) {
    jobAnswers.addAll(List.of(views));
  }

  static String job(String state, long scanned, long total, long matched, long added, long present, String summary,
      String error) {
    return """
        {"id":"job-1","kind":"REBUILD","command":"Rebuild Fix true true","state":"%s",
         "startedAt":"2026-11-26T14:00:00Z","finishedAt":null,
         "progress":{"scanned":%d,"total":%d,"matched":%d,"added":%d,"alreadyPresent":%d},
         "summary":%s,"error":%s}""".formatted(state, scanned, total, matched, added, present, quoted(summary),
        quoted(error));
  }

  private static String quoted(String text) {
    return text == null ? "null" : "\"" + text + "\"";
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
