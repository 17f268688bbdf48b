package io.tandem.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The admin API of one recorder, as WorkflowShell uses it: status, starting a rebuild, following a job.
 * Every failure is a {@link RecorderException} with one line. Thread-safe.
 */
public final class RecorderClient {
  private final String base;
  private final Duration timeout;
  private final HttpClient http;

  /** A client of the recorder at {@code recorder} (e.g. {@code http://127.0.0.1:8081}); each request waits at most {@code timeout}. */
  public RecorderClient(URI recorder, Duration timeout) {
    this.base = recorder.toString().replaceAll("/+$", "");
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public String url() {
    return base;
  }

  public RecorderStatus status() {
    return read(send("GET", "/api/status", null), RecorderStatus.class);
  }

  /** Asks the recorder to run {@code command} (the text as typed) on behalf of {@code actor}; the job it started. */
  public JobView startRebuild(String command, String actor) {
    String body = Json.write(Map.of("command", command, "actor", actor));
    return read(send("POST", "/api/rebuild", body), JobView.class);
  }

  public JobView job(String id) {
    return read(send("GET", "/api/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null), JobView.class);
  }

  private String send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new RecorderException("the recorder at " + base + " did not answer " + method + " " + path + " within "
          + timeout.toSeconds() + " s", 0, e);
    } catch (ConnectException e) {
      throw new RecorderException("cannot reach the recorder at " + base + " (connection refused or no route)", 0, e);
    } catch (IOException e) {
      throw new RecorderException("cannot reach the recorder at " + base + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RecorderException("interrupted while waiting for the recorder at " + base, 0, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw refused(method, path, response);
    }
    return response.body();
  }

  private RecorderException refused(String method, String path, HttpResponse<String> response) {
    String error = errorLine(response.body());
    String message = error != null ? error
        : "the recorder at " + base + " answered " + response.statusCode() + " to " + method + " " + path;
    return new RecorderException(message, response.statusCode(), null);
  }

  private static String errorLine(String body) {
    try {
      JsonNode error = Json.MAPPER.readTree(body).path("error");
      return error.isTextual() ? error.asText().lines().findFirst().orElse(null) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private <T> T read(String body, Class<T> type) {
    try {
      return Json.MAPPER.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw new RecorderException("the recorder at " + base + " sent a " + type.getSimpleName()
          + " this shell cannot read: " + e.getOriginalMessage().lines().findFirst().orElse(""), 0, e);
    }
  }
}
