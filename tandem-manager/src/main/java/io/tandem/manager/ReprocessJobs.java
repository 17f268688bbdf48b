package io.tandem.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import io.tandem.json.Json;
import io.tandem.redundancy.HealthProbe;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reprocess call date ranges on behalf of the Recorder Manager: forwards each request to the recorder's
 * admin API, where it runs as a recorder job, and reads the job's state through from the recorder on every
 * look-up. Keeps its ids of the last {@link #KEPT} jobs in memory, each with the last state seen, so a job
 * that ended stays known after its recorder restarts. Thread-safe.
 */
public final class ReprocessJobs {
  static final int KEPT = 1000;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A job forwarded to a recorder, with the last view of it read through. */
  private static final class Forwarded {
    final String serial;
    final String recorderJobId;
    volatile ReprocessJobView lastSeen;

    Forwarded(String serial, String recorderJobId) {
      this.serial = serial;
      this.recorderJobId = recorderJobId;
    }
  }

  private final HealthProbe.RecorderDirectory directory;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final Map<String, Forwarded> forwarded = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Forwarded> eldest) {
      return size() > KEPT;
    }
  };

  public ReprocessJobs(HealthProbe.RecorderDirectory directory) {
    this.directory = directory;
  }

  /** Starts a reprocess of {@code [from, to)} on the recorder with this serial; returns the Manager's job id. */
  public String start(String serial, Instant from, Instant to, String actor) throws SQLException {
    RecorderView recorder = recorder(serial);
    String body = Json.write(Map.of("from", from.toString(), "to", to.toString(), "actor", actor));
    HttpResponse<String> answer = send(recorder, HttpRequest.newBuilder(URI.create(recorder.adminUrl()
        + "/api/reprocess")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    JsonNode job = jsonOf(recorder, answer);
    if (answer.statusCode() != 202 && answer.statusCode() != 200) {
      throw refusal(recorder, answer, job);
    }
    String recorderJobId = job.path("id").asText("");
    if (recorderJobId.isEmpty()) {
      throw new ReprocessRefusedException(502, "recorder " + serial + " accepted the reprocess without a job id");
    }
    String id = UUID.randomUUID().toString();
    synchronized (this) {
      forwarded.put(id, new Forwarded(serial, recorderJobId));
    }
    return id;
  }

  /** The job as its recorder reports it now; empty for an id this Manager does not know. */
  public Optional<ReprocessJobView> job(String id) throws SQLException {
    Forwarded job;
    synchronized (this) {
      job = forwarded.get(id);
    }
    if (job == null) {
      return Optional.empty();
    }
    ReprocessJobView seen = readThrough(id, job);
    job.lastSeen = seen;
    return Optional.of(seen);
  }

  private ReprocessJobView readThrough(String id, Forwarded job) throws SQLException {
    ReprocessJobView previous = job.lastSeen;
    // A job that ended stays as it ended, whatever happens to its recorder since.
    if (previous != null && !"RUNNING".equals(previous.state())) {
      return previous;
    }
    RecorderView recorder = recorder(job.serial);
    HttpResponse<String> answer = send(recorder, HttpRequest.newBuilder(URI.create(recorder.adminUrl() + "/api/jobs/"
        + URLEncoder.encode(job.recorderJobId, StandardCharsets.UTF_8))).GET());
    if (answer.statusCode() == 404) {
      return new ReprocessJobView(id, job.serial, "FAILED", previous == null ? NullNode.getInstance()
          : previous.progress(), null, "recorder " + job.serial + " no longer knows job " + job.recorderJobId
          + " (it restarted before the job ended); reprocessing the range again is safe");
    }
    JsonNode view = jsonOf(recorder, answer);
    if (answer.statusCode() != 200) {
      throw refusal(recorder, answer, view);
    }
    return new ReprocessJobView(id, job.serial, view.path("state").asText(), view.path("progress"),
        textOrNull(view.path("summary")), textOrNull(view.path("error")));
  }

  private RecorderView recorder(String serial) throws SQLException {
    for (PairView pair : directory.pairs()) {
      for (RecorderView recorder : pair.recorders()) {
        if (recorder.serial().equals(serial)) {
          return recorder;
        }
      }
    }
    throw new ReprocessRefusedException(404, "no recorder with serial " + serial + " is registered");
  }

  private HttpResponse<String> send(RecorderView recorder, HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | IllegalArgumentException e) {
      throw new ReprocessRefusedException(502, "recorder " + recorder.serial() + " at " + recorder.adminUrl()
          + " is unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReprocessRefusedException(502, "interrupted while asking recorder " + recorder.serial());
    }
  }

  private static JsonNode jsonOf(RecorderView recorder, HttpResponse<String> answer) {
    try {
      return Json.MAPPER.readTree(answer.body());
    } catch (IOException e) {
      throw new ReprocessRefusedException(502, "recorder " + recorder.serial() + " answered " + answer.statusCode()
          + " with a body that is not JSON");
    }
  }

  /** The recorder's 400 and 409 are the client's to see; anything else is the recorder's fault. */
  private static ReprocessRefusedException refusal(RecorderView recorder, HttpResponse<String> answer, JsonNode body) {
    String error = body.path("error").asText(answer.body());
    int status = answer.statusCode() == 400 || answer.statusCode() == 409 ? answer.statusCode() : 502;
    return new ReprocessRefusedException(status, status == 502
        ? "recorder " + recorder.serial() + " answered " + answer.statusCode() + ": " + error : error);
  }

  private static String textOrNull(JsonNode node) {
    return node.isTextual() ? node.textValue() : null;
  }
}
