package io.tandem.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One failover at the rollback window's edge on a real pair: conversations of {@link #CONVERSATION} forked to
 * both recorders, the primary frozen with SIGSTOP {@link #FROZEN_BEFORE_END} before the first of them ends,
 * killed with kill -9 once the RRC has swapped the roles, then the wait until every conversation has an
 * interaction whose best copy is the new primary's complete one (a minute at most). The pair's rollback window
 * must be shorter than the conversations, so that they all started before it.
 */
final class WindowEdgeRound {
  static final Duration CONVERSATION = Duration.ofSeconds(36);
  static final Duration FROZEN_BEFORE_END = Duration.ofSeconds(2);

  /** One conversation as the new primary recorded it, and when its copy was marked (null: not within a minute). */
  record Edge(String correlationKey, String inum, Instant start, Instant end, boolean complete, Instant markedAt) {}

  /** What a round saw: when the old primary was frozen, the FAILOVER event's details, and every conversation. */
  record Result(RecorderProcess newPrimary, Instant frozenAt, JsonNode failover, List<Edge> edges,
      CompletableFuture<SimulationReport> load) {
    Instant detectedAt() {
      return Instant.parse(failover.get("detectedAt").asText());
    }

    Instant windowFrom() {
      return Instant.parse(failover.get("windowFrom").asText());
    }

    /** The conversations whose copy on the new primary was marked as their complete best copy. */
    List<Edge> marked() {
      return edges.stream().filter(edge -> edge.markedAt() != null).toList();
    }

    /** From detection until the last conversation's copy was marked; null when none was. */
    Duration lastMarkedAfterDetection() {
      return marked().stream().map(Edge::markedAt).max(Instant::compareTo)
          .map(last -> Duration.between(detectedAt(), last)).orElse(null);
    }
  }

  private WindowEdgeRound() {}

  /** Sets the pair's rollback window through the Recorder Manager's API. */
  static void setRollbackWindow(PairFixture pair, String pairName, int seconds) throws Exception {
    HttpResponse<String> answer = PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(pair.managerUrl()
        + "/api/pairs/" + pairName + "/policy")).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"rollbackWindowSeconds\":" + seconds + "}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("the policy change was answered " + answer.statusCode() + ": " + answer.body());
    }
  }

  /**
   * Runs one round of {@code conversations} conversations; {@code failoverNumber} is how many FAILOVER events
   * there will be once this round's failover is done.
   */
  static Result run(PairFixture pair, int conversations, int failoverNumber) throws Exception {
    RecorderProcess primary = pair.primary();
    RecorderProcess secondary = pair.other(primary);
    CompletableFuture<SimulationReport> load = CompletableFuture.supplyAsync(() -> new CallSimulator(
        new SimulationPlan(pair.sipAddresses(), conversations, Math.max(1, conversations), CONVERSATION, "udp", 0))
        .run());
    List<JsonNode> recording = await().atMost(Duration.ofSeconds(60)).until(() -> recordingCalls(secondary),
        calls -> calls.size() == conversations);
    Instant firstStart = recording.stream().map(call -> Instant.parse(call.get("start").asText()))
        .min(Instant::compareTo).orElseThrow();
    Instant freezeAt = firstStart.plus(CONVERSATION).minus(FROZEN_BEFORE_END);
    await().atMost(CONVERSATION.plusSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> !Instant.now().isBefore(freezeAt));
    primary.pause();
    Instant frozenAt = Instant.now();
    await().atMost(Duration.ofSeconds(60)).until(() -> role(pair, secondary.serial).equals("PRIMARY"));
    primary.kill9();
    JsonNode failover = awaitFailover(pair, failoverNumber);
    List<String> inums = recording.stream().map(call -> call.get("inum").asText()).toList();
    Map<String, Instant> marked = awaitMarked(pair, inums);
    List<Edge> edges = new ArrayList<>();
    for (String inum : inums) {
      JsonNode call = PairFixture.getJson(secondary.adminUrl() + "/api/calls/" + inum);
      edges.add(new Edge(call.get("correlationKey").asText(), inum, Instant.parse(call.get("start").asText()),
          Instant.parse(call.get("end").asText()), "COMPLETE".equals(call.get("state").asText()), marked.get(inum)));
    }
    return new Result(secondary, frozenAt, failover, edges, load);
  }

  /** Waits up to a minute until each INUM is its interaction's complete best copy; those that are then. */
  private static Map<String, Instant> awaitMarked(PairFixture pair, List<String> inums) throws Exception {
    try {
      return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> markedAsBest(pair, inums), found -> found.size() == inums.size());
    } catch (ConditionTimeoutException e) {
      return markedAsBest(pair, inums);
    }
  }

  /** The calls of a recorder's buffer still recording. */
  static List<JsonNode> recordingCalls(RecorderProcess recorder) throws Exception {
    List<JsonNode> calls = new ArrayList<>();
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=100000")) {
      if ("RECORDING".equals(call.get("state").asText())) {
        calls.add(call);
      }
    }
    return calls;
  }

  /** The recorder's role as the Recorder Manager shows it. */
  static String role(PairFixture pair, int serial) throws Exception {
    for (JsonNode recorder : PairFixture.getJson(pair.managerUrl() + "/api/pairs").get(0).get("recorders")) {
      if (recorder.get("serial").asText().equals(Integer.toString(serial))) {
        return recorder.get("role").asText();
      }
    }
    throw new IllegalStateException("recorder " + serial + " is not in the pair");
  }

  /** The details of the {@code number}th FAILOVER event, once it is there. */
  static JsonNode awaitFailover(PairFixture pair, int number) {
    return await().atMost(Duration.ofSeconds(90)).until(() -> {
      List<JsonNode> failovers = new ArrayList<>();
      for (JsonNode event : pair.events()) {
        if ("FAILOVER".equals(event.get("type").asText())) {
          failovers.add(event.get("details"));
        }
      }
      return failovers.size() >= number ? failovers.get(number - 1) : null;
    }, details -> details != null);
  }

  /** Of the given INUMs, those that are the best copy of their interaction and complete, with when they were marked. */
  static Map<String, Instant> markedAsBest(PairFixture pair, List<String> inums) throws Exception {
    try (Connection connection = DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        PreparedStatement query = connection.prepareStatement("SELECT c.inum, c.marked_at FROM copies c "
            + "JOIN interactions i ON i.best_inum = c.inum WHERE c.complete AND c.inum = ANY(?::bigint[])")) {
      query.setArray(1, connection.createArrayOf("bigint", inums.stream().map(Long::valueOf).toArray()));
      Map<String, Instant> marked = new HashMap<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          marked.put(Long.toString(rows.getLong(1)), rows.getTimestamp(2).toInstant());
        }
      }
      return marked;
    }
  }
}
