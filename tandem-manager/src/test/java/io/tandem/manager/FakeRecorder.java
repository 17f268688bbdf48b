package io.tandem.manager;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tandem.replay.ByteRange;
import io.tandem.replay.RangeNotSatisfiableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** A recorder's admin API reduced to health and media, standing in for a recorder process in tests. */
final class FakeRecorder implements AutoCloseable {
  final AtomicBoolean healthy = new AtomicBoolean(true);
  volatile String lastRangeAsked;
  volatile String lastMediaPath;
  private final HttpServer server;
  private final byte[] media;

  FakeRecorder(byte[] media) throws IOException {
    this.media = media;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", this::health);
    server.createContext("/api/calls/", this::media);
    server.start();
  }

  String adminUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void health(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(healthy.get() ? 200 : 503, -1);
    exchange.close();
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

  @Override
  public void close() {
    server.stop(0);
  }
}
