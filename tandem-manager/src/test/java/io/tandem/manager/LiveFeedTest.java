package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.access.AccessRole;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.RecorderRegistration;
import io.tandem.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live feed a console listens to: pairs as they change and each new event, pushed as server-sent events. */
class LiveFeedTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final long WAIT_SECONDS = 20;

  @TempDir
  static Path files;
  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private static ManagerAssembly manager;
  private static String token;

  /** One server-sent event as read off the stream. */
  private record Sent(String event, String id, JsonNode data) {}

  @BeforeAll
  static void startManager() throws Exception {
    server = EmbeddedDatabase.start(files.resolve("database"), 0);
    database = CallDatabase.connect(server.config(4));
    database.migrate();
    token = database.credentials().addToken("test-admin", AccessRole.ADMIN, "the test").token();
    database.register(new RecorderRegistration(520_000, "pair-l", Position.MAIN, "http://127.0.0.1:1",
        "127.0.0.1:15060"));
    database.register(new RecorderRegistration(520_001, "pair-l", Position.BACKUP, "http://127.0.0.1:2",
        "127.0.0.1:15062"));
    manager = new ManagerAssembly(new ManagerConfig("127.0.0.1", 0, server.jdbcUrl(), "postgres", "",
        Duration.ofSeconds(30), 3), database);
    manager.start();
  }

  @AfterAll
  static void stopManager() {
    manager.stop();
    database.close();
    server.close();
  }

  @Test
  void aConsoleGetsThePairsThenEachNewEventAndEachChangeOfAPairWithoutAsking() throws Exception {
    try (EventStream stream = EventStream.open("/api/live", null)) {
      Sent first = stream.next(sent -> sent.event().equals("pairs"));
      assertThat(first.data().get(0).get("name").asText()).isEqualTo("pair-l");
      assertThat(first.data().get(0).get("rollbackWindowSeconds").asInt()).isEqualTo(900);

      long id = database.appendEvent("FAILOVER", "pair-l", Map.of("promoted", 12, "alreadyPresent", 3));
      Sent failover = stream.next(sent -> sent.event().equals("event") && sent.data().get("type").asText()
          .equals("FAILOVER"));
      assertThat(failover.id()).isEqualTo(Long.toString(id));
      assertThat(failover.data().get("details").get("promoted").asInt()).isEqualTo(12);

      HttpResponse<String> policy = CLIENT.send(HttpRequest.newBuilder(url("/api/pairs/pair-l/policy"))
          .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofString("{\"rollbackWindowSeconds\": 120}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
      Sent changed = stream.next(sent -> sent.event().equals("pairs"));
      assertThat(changed.data().get(0).get("rollbackWindowSeconds").asInt()).isEqualTo(120);
    }
  }

  @Test
  void aConsoleThatReconnectsGetsEveryEventAfterTheLastItSaw() throws Exception {
    long missedFrom = database.appendEvent("RECORDER_DOWN", "pair-l", Map.of("serial", "520001"));
    database.appendEvent("RECORDER_UP", "pair-l", Map.of("serial", "520001"));

    try (EventStream stream = EventStream.open("/api/live", Long.toString(missedFrom - 1))) {
      Sent down = stream.next(sent -> sent.event().equals("event"));
      assertThat(down.data().get("type").asText()).isEqualTo("RECORDER_DOWN");
      assertThat(down.id()).isEqualTo(Long.toString(missedFrom));
      assertThat(stream.next(sent -> sent.event().equals("event")).data().get("type").asText()).isEqualTo("RECORDER_UP");
    }
    try (EventStream stream = EventStream.open("/api/live?after=" + missedFrom, null)) {
      assertThat(stream.next(sent -> sent.event().equals("event")).data().get("type").asText()).isEqualTo("RECORDER_UP");
    }
  }

  @Test
  void eachPartOfTheFeedGoesOnlyToARoleThatMayReadIt() throws Exception {
    String auditor = database.credentials().addToken("test-auditor", AccessRole.AUDITOR, "the test").token();
    String admin = token;
    token = auditor;
    long before = database.lastEventId();
    try (EventStream stream = EventStream.open("/api/live?after=" + before, null)) {
      database.appendEvent("GAP", "pair-l", Map.of("missingCalls", 1));
      Sent first = stream.next(sent -> true);
      assertThat(first.event()).as("an auditor reads events, never pairs").isEqualTo("event");
    } finally {
      token = admin;
    }
    HttpResponse<String> anonymous = CLIENT.send(HttpRequest.newBuilder(url("/api/live")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void aMalformedStartingPointIs400BeforeAnyStreamOpens() throws Exception {
    HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(url("/api/live?after=yesterday"))
        .header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(answer.body()).get("error").asText()).contains("'after'", "'yesterday'");
  }

  private static URI url(String path) {
    return URI.create("http://127.0.0.1:" + manager.port() + path);
  }

  /** An open event stream, read line by line on the client's own thread into events. */
  private static final class EventStream implements AutoCloseable {
    private final BlockingQueue<Sent> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;

    private EventStream(String path, String lastEventId) {
      HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).header("Accept", "text/event-stream")
          .header("Authorization", "Bearer " + token);
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      response = CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
      response.thenAcceptAsync(answer -> {
        String event = "message";
        String id = null;
        StringBuilder data = new StringBuilder();
        for (String line : (Iterable<String>) answer.body()::iterator) {
          if (line.isEmpty()) {
            if (!data.isEmpty()) {
              try {
                received.add(new Sent(event, id, Json.MAPPER.readTree(data.toString())));
              } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + data, e);
              }
            }
            event = "message";
            id = null;
            data.setLength(0);
          } else if (line.startsWith("event:")) {
            event = line.substring(6).strip();
          } else if (line.startsWith("id:")) {
            id = line.substring(3).strip();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).strip());
          }
        }
      });
    }

    static EventStream open(String path, String lastEventId) {
      return new EventStream(path, lastEventId);
    }

    /** The next event that {@code wanted} accepts, passing over others; fails after a generous wait. */
    Sent next(Predicate<Sent> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (System.nanoTime() < deadline) {
        Sent sent = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (sent != null && wanted.test(sent)) {
          return sent;
        }
      }
      throw new AssertionError("no such event within " + WAIT_SECONDS + " s");
    }

    @Override
    public void close() {
      response.thenAccept(answer -> answer.body().close());
      response.cancel(true);
    }
  }
}
