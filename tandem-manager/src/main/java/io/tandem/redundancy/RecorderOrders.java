package io.tandem.redundancy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The orders the RRC gives a recorder through its admin API: take a role at an epoch, promote a range,
 * report on a job. Each answer is the status and the JSON body; an unreachable recorder is an
 * {@link IOException}. Thread-safe.
 */
final class RecorderOrders implements AutoCloseable {
  /** A recorder's answer: its HTTP status and JSON body. */
  record Answer(int status, JsonNode body) {}

  private final HttpClient client;
  private final Duration timeout;

  RecorderOrders(Duration timeout) {
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
  }

  Answer role(String adminUrl, String role, long epoch) throws IOException, InterruptedException {
    return post(adminUrl + "/api/role", Map.of("role", role, "epoch", epoch));
  }

  Answer promote(String adminUrl, long epoch, Instant from) throws IOException, InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("epoch", epoch);
    body.put("from", from.toString());
    body.put("actor", "rrc");
    return post(adminUrl + "/api/promote", body);
  }

  Answer job(String adminUrl, String id) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(adminUrl + "/api/jobs/"
        + URLEncoder.encode(id, StandardCharsets.UTF_8))).GET());
  }

  private Answer post(String url, Map<String, Object> body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request.timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new IOException("answered " + response.statusCode() + " with a body that is not JSON", e);
    }
    return new Answer(response.statusCode(), body);
  }

  @Override
  public void close() {
    client.close();
  }
}
