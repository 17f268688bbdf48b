package io.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tandem.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook as an operator would run one, on loopback: it checks each request's signature and timestamp with the
 * JDK alone (HMAC-SHA256 over "timestamp.body" under the shared secret, at most five minutes old), answers 401 to
 * a bad one and keeps the events it accepted, in the order they came. It can be stopped and started again on its
 * port. Thread-safe.
 */
final class WebhookReceiver implements AutoCloseable {
  private static final Duration MAX_AGE = Duration.ofMinutes(5);

  final int port;
  private final String secret;
  private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final Map<Long, Instant> arrivals = new ConcurrentHashMap<>();
  private HttpServer server;

  WebhookReceiver(String secret) throws IOException {
    this.secret = secret;
    this.port = RecorderProcess.freePort();
  }

  String url() {
    return "http://127.0.0.1:" + port + "/hook";
  }

  synchronized WebhookReceiver start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/hook", this::handle);
    server.start();
    return this;
  }

  synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** The events accepted, in the order they came. */
  List<JsonNode> accepted() {
    return List.copyOf(accepted);
  }

  /** When the event with this id first arrived. */
  Instant arrival(long id) {
    return arrivals.get(id);
  }

  /** Why requests were refused: empty when every signature was right. */
  List<String> refused() {
    return List.copyOf(refused);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String timestamp = exchange.getRequestHeaders().getFirst("X-Tandem-Timestamp");
    String signature = exchange.getRequestHeaders().getFirst("X-Tandem-Signature");
    String problem = check(timestamp, signature, body);
    if (problem == null) {
      JsonNode event = Json.MAPPER.readTree(body);
      arrivals.putIfAbsent(event.get("id").asLong(), Instant.now());
      accepted.add(event);
    } else {
      refused.add(problem);
    }
    exchange.sendResponseHeaders(problem == null ? 204 : 401, -1);
    exchange.close();
  }

  private String check(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null) {
      return "no timestamp or no signature";
    }
    Duration age = Duration.between(Instant.ofEpochSecond(Long.parseLong(timestamp)), Instant.now()).abs();
    if (age.compareTo(MAX_AGE) > 0) {
      return "timestamp " + timestamp + " is " + age + " away";
    }
    byte[] expected = ("sha256=" + hmac(timestamp + "." + new String(body, StandardCharsets.UTF_8)))
        .getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
      return "signature " + signature + " does not match";
    }
    return null;
  }

  private String hmac(String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
