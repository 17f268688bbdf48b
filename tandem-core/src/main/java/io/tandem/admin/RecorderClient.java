package io.tandem.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Inum;
import io.tandem.call.Role;
import io.tandem.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The one client of a recorder's admin API, used by the Recorder Manager's health probe, the RRC's orders,
 * reprocess forwarding and replay, the WorkflowShell and {@code ./tandem up}: typed requests and answers, and
 * one place for timeouts, retries and the credential every request carries ({@code Authorization: Bearer}). Every failure is a {@link RecorderException} with one line: the
 * recorder's own error when it sent one, else what went wrong and its address. Reads and role orders, which
 * are idempotent, are tried again once after a connection failure; job-starting requests never are, since a
 * lost answer may hide a job that started. Thread-safe.
 */
public final class RecorderClient {
  /** How long a request may wait for its answer unless said otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

  private final String base;
  private final HttpClient http;
  private final Duration timeout;
  private final String credential;

  RecorderClient(String baseUrl, HttpClient http, Duration timeout, String credential) {
    this.base = Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "");
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.credential = credential;
  }

  /** A client of the recorder at {@code recorder} (such as {@code http://127.0.0.1:8081}) with a connection of its own. */
  public static RecorderClient of(URI recorder, Duration timeout) {
    return of(recorder, timeout, null);
  }

  /** {@link #of(URI, Duration)} trusting {@code trust} (null: the JDK's authorities) for an https recorder. */
  public static RecorderClient of(URI recorder, Duration timeout, SSLContext trust) {
    return of(recorder, timeout, trust, null);
  }

  /** {@link #of(URI, Duration, SSLContext)} sending {@code credential} (an API token; null: none) as a bearer. */
  public static RecorderClient of(URI recorder, Duration timeout, SSLContext trust, String credential) {
    return new RecorderClient(recorder.toString(), RecorderClients.newHttpClient(timeout, trust), timeout,
        credential);
  }

  /** The recorder's admin API address, without a trailing slash. */
  public String url() {
    return base;
  }

  /**
   * {@code GET /health}, waiting at most {@code wait} and never trying again: a health check that misses is a
   * miss. A recorder that answers 503 says it cannot capture, and its answer says so.
   */
  public RecorderHealth health(Duration wait) {
    HttpResponse<String> answer = send(request("/health", wait).GET(), "GET /health", false);
    if (answer.statusCode() / 100 != 2 && answer.statusCode() != 503) {
      throw refused("GET /health", answer);
    }
    return read(answer.body(), RecorderHealth.class);
  }

  /**
   * Opens {@code GET /api/beats}: the recorder sends its health every {@code every} for as long as the connection
   * is kept. Waits at most {@code wait} for the answer's headers and never tries again: a recorder that does not
   * answer in time is frozen, unreachable or too slow.
   */
  public BeatStream beats(Duration every, Duration wait) {
    String path = "/api/beats?everyMs=" + every.toMillis();
    HttpResponse<InputStream> answer = exchange(request(path, wait).setHeader("Accept", "application/x-ndjson").GET()
        .build(), HttpResponse.BodyHandlers.ofInputStream(), "GET /api/beats", false);
    if (answer.statusCode() != 200) {
      String body;
      try (InputStream in = answer.body()) {
        body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = "";
      }
      String error = errorLine(body);
      throw new RecorderException(error != null ? error : "the recorder at " + base + " answered "
          + answer.statusCode() + " to GET /api/beats", answer.statusCode(), null);
    }
    return new BeatStream(base, answer.body());
  }

  public RecorderStatus status() {
    return read(ok("GET /api/status", send(request("/api/status", timeout).GET(), "GET /api/status", true)),
        RecorderStatus.class);
  }

  /**
   * Orders the recorder to take {@code role} at {@code epoch}; the standing it holds after. A recorder that holds
   * a newer epoch refuses with 409.
   */
  public RoleAnswer role(Role role, long epoch) {
    return read(post("/api/role", Map.of("role", role.name(), "epoch", epoch), true), RoleAnswer.class);
  }

  /**
   * Orders the primary of {@code epoch} to promote its calls of {@code [from, to)} ({@code to} null: until now);
   * the job it started. Refused with 409 when the recorder is not that primary or another job runs.
   */
  public JobView promote(long epoch, Instant from, Instant to, String actor) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("epoch", epoch);
    body.put("from", from.toString());
    if (to != null) {
      body.put("to", to.toString());
    }
    body.put("actor", actor);
    return read(post("/api/promote", body, false), JobView.class);
  }

  /** Runs a WorkflowShell rebuild command (the text as typed) on behalf of {@code actor}; the job it started. */
  public JobView rebuild(String command, String actor) {
    return read(post("/api/rebuild", Map.of("command", command, "actor", actor), false), JobView.class);
  }

  /** Reprocesses the Workflow entries whose calls start in {@code [from, to)}; the job it started. */
  public JobView reprocess(Instant from, Instant to, String actor) {
    return read(post("/api/reprocess", Map.of("from", from.toString(), "to", to.toString(), "actor", actor), false),
        JobView.class);
  }

  /** One job of the recorder; empty when it does not know it (it keeps its recent jobs since it started). */
  public Optional<JobView> job(String id) {
    String path = "/api/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    HttpResponse<String> answer = send(request(path, timeout).GET(), "GET " + path, true);
    if (answer.statusCode() == 404) {
      return Optional.empty();
    }
    return Optional.of(read(ok("GET " + path, answer), JobView.class));
  }

  /** The recorder's jobs, newest first: the one running, if any, and those it keeps since it started. */
  public List<JobView> jobs() {
    HttpResponse<String> answer = send(request("/api/jobs", timeout).GET(), "GET /api/jobs", true);
    return List.of(read(ok("GET /api/jobs", answer), JobView[].class));
  }

  /**
   * {@code GET /api/calls/{inum}/media} with the given {@code Range} header (null: the whole file), streamed: the
   * caller reads and closes the body. Any status comes back as it is, for the caller to relay.
   */
  public MediaAnswer media(Inum inum, String range, Duration wait) {
    String path = "/api/calls/" + inum + "/media";
    HttpRequest.Builder request = request(path, wait).GET();
    if (range != null) {
      request.header("Range", range);
    }
    HttpResponse<InputStream> answer = exchange(request.build(), HttpResponse.BodyHandlers.ofInputStream(),
        "GET " + path, true);
    return new MediaAnswer(answer.statusCode(), answer.headers(), answer.body());
  }

  /** A recorder's answer to a media request: status, headers and the body to read and close. */
  public record MediaAnswer(int status, HttpHeaders headers, InputStream body) implements AutoCloseable {
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  private HttpRequest.Builder request(String path, Duration wait) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(wait)
        .header("Accept", "application/json");
    if (credential != null) {
      request.header("Authorization", "Bearer " + credential);
    }
    return request;
  }

  private String post(String path, Map<String, Object> body, boolean idempotent) {
    HttpRequest.Builder request = request(path, timeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
    return ok("POST " + path, send(request, "POST " + path, idempotent));
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String what, boolean idempotent) {
    return exchange(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), what, idempotent);
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body, String what,
      boolean idempotent) {
    int attempts = idempotent ? 2 : 1;
    for (int attempt = 1; ; attempt++) {
      try {
        return http.send(request, body);
      } catch (HttpTimeoutException e) {
        throw new RecorderException("the recorder at " + base + " did not answer " + what + " within "
            + request.timeout().map(Duration::toMillis).orElse(0L) + " ms", 0, e);
      } catch (ConnectException e) {
        if (attempt >= attempts) {
          throw new RecorderException("cannot reach the recorder at " + base + " (connection refused or no route)", 0,
              e);
        }
      } catch (IOException e) {
        if (attempt >= attempts) {
          throw new RecorderException("cannot reach the recorder at " + base + " (" + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", 0, e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RecorderException("interrupted while waiting for the recorder at " + base, 0, e);
      }
      pauseBeforeRetry();
    }
  }

  private static void pauseBeforeRetry() {
    try {
      Thread.sleep(RETRY_PAUSE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String ok(String what, HttpResponse<String> answer) {
    if (answer.statusCode() / 100 != 2) {
      throw refused(what, answer);
    }
    return answer.body();
  }

  private RecorderException refused(String what, HttpResponse<String> answer) {
    String error = errorLine(answer.body());
    return new RecorderException(error != null ? error
        : "the recorder at " + base + " answered " + answer.statusCode() + " to " + what, answer.statusCode(), null);
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
          + " that cannot be read: " + e.getOriginalMessage().lines().findFirst().orElse(""), 0, e);
    }
  }
}
