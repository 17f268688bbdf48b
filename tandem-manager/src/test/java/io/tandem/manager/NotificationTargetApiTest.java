package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.RecorderRegistration;
import io.tandem.json.Json;
import io.tandem.notification.NotificationSettings;
import io.tandem.notification.SyslogEndpoint;
import io.tandem.notification.SyslogFacility;
import io.tandem.notification.SyslogTransport;
import io.tandem.notification.TargetSpec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notification targets of the API and of the config file, on a Recorder Manager with a real database. */
class NotificationTargetApiTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  /** An admin's API token, which every request of the test carries. */
  private static String token;
  private static final String SECRET = "a secret long enough";

  @TempDir
  static Path files;
  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private static ManagerAssembly manager;
  private static HttpServer webhook;
  private static final List<JsonNode> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startManager() throws Exception {
    server = EmbeddedDatabase.start(files.resolve("database"), 0);
    database = CallDatabase.connect(server.config(4));
    database.migrate();
    token = database.credentials().addToken("test-admin", io.tandem.access.AccessRole.ADMIN, "the test").token();
    // A pair whose recorders never answer: its alarms are raised while the test runs.
    database.register(new RecorderRegistration(510_000, "pair-n", Position.MAIN, "http://127.0.0.1:1",
        "127.0.0.1:15060"));
    database.register(new RecorderRegistration(510_001, "pair-n", Position.BACKUP, "http://127.0.0.1:2",
        "127.0.0.1:15062"));
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/hook", exchange -> {
      received.add(Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    webhook.start();
    TargetSpec configured = new TargetSpec("from-config",
        new SyslogEndpoint("127.0.0.1", 9, SyslogTransport.UDP, SyslogFacility.LOCAL0));
    // Nothing ever answers for the pair's recorders: no start-up grace, so both are down at once, as one alarm.
    manager = new ManagerAssembly(new ManagerConfig("127.0.0.1", 0, server.jdbcUrl(), "postgres", "",
        Duration.ofMillis(100), 2, new NotificationSettings(Duration.ofHours(24), Duration.ofSeconds(1),
        List.of(configured)), null, null, null, null, null, Duration.ZERO), database);
    manager.start();
  }

  @AfterAll
  static void stopManager() {
    manager.stop();
    webhook.stop(0);
    database.close();
    server.close();
  }

  @Test
  void aWebhookAddedThroughTheApiIsListedWithoutItsSecretAndGetsTheEventsFromThenOn() throws Exception {
    long before = database.appendEvent("RECORDER_UP", "pair-n", Map.of("serial", "510000"));
    JsonNode added = json(post("{\"name\":\"ops\",\"kind\":\"webhook\",\"url\":\"" + webhookUrl() + "\","
        + "\"secret\":\"" + SECRET + "\"}"), 201);
    try {
      assertThat(added.get("name").asText()).isEqualTo("ops");
      assertThat(added.get("source").asText()).isEqualTo("api");
      assertThat(added.get("secretSet").asBoolean()).isTrue();
      assertThat(added.get("lastDeliveredEventId").asLong()).isGreaterThanOrEqualTo(before);
      assertThat(added.toString()).doesNotContain(SECRET);
      assertThat(new String(get("/api/notification-targets").body())).contains("\"ops\"").doesNotContain(SECRET);

      long after = database.appendEvent("RECORDER_UP", null, Map.of("serial", "510009"));
      await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(e -> e.get("id").asLong() == after));
      assertThat(received).noneMatch(event -> event.get("id").asLong() <= added.get("lastDeliveredEventId").asLong());
      await().atMost(Duration.ofSeconds(10)).until(() -> metrics().contains(
          "tandem_notification_lag_events{target=\"ops\"} 0.0"));
      assertThat(metrics()).containsPattern("tandem_notifications_delivered_total\\{target=\"ops\"} [1-9]")
          .contains("tandem_notifications_failed_total{target=\"ops\"}")
          .contains("tandem_notification_lag_seconds{target=\"ops\"}");
    } finally {
      assertThat(delete(added.get("id").asLong()).statusCode()).isEqualTo(204);
    }
    assertThat(new String(get("/api/notification-targets").body())).doesNotContain("\"ops\"");
    assertThat(metrics()).doesNotContain("target=\"ops\"");
  }

  @Test
  void aTargetOfTheConfigFileIsListedAndCannotBeRemovedThroughTheApi() throws Exception {
    JsonNode targets = json(get("/api/notification-targets"), 200);
    JsonNode configured = targets.get(0);
    assertThat(configured.get("name").asText()).isEqualTo("from-config");
    assertThat(configured.get("source").asText()).isEqualTo("config");
    assertThat(configured.get("kind").asText()).isEqualTo("syslog");
    assertThat(configured.get("transport").asText()).isEqualTo("udp");
    assertThat(configured.get("facility").asText()).isEqualTo("local0");

    assertThat(json(delete(configured.get("id").asLong()), 409).get("error").asText()).contains("config file");
    assertThat(json(delete(999_999), 404).get("error").asText()).contains("999999");
    assertThat(json(post("{\"name\":\"from-config\",\"kind\":\"syslog\",\"host\":\"127.0.0.1\"}"), 409)
        .get("error").asText()).contains("'from-config'");
  }

  @Test
  void badTargetsAre400NamingTheFieldAndAddNothing() throws Exception {
    assertThat(error("{\"name\":\"x\",\"kind\":\"pager\"}")).isEqualTo("'kind' must be \"webhook\" or \"syslog\", "
        + "got \"pager\"");
    assertThat(error("{\"name\":\"x\",\"kind\":\"syslog\",\"host\":\"h\",\"port\":70000}"))
        .isEqualTo("'port' must be a port from 1 to 65535, got 70000");
    assertThat(error("{\"name\":\"x\",\"kind\":\"syslog\",\"host\":\"h\",\"transport\":\"sctp\"}"))
        .isEqualTo("'transport' must be udp or tcp, got 'sctp'");
    assertThat(error("{\"name\":\"x\",\"kind\":\"webhook\",\"url\":\"ftp://h/\",\"secret\":\"" + SECRET + "\"}"))
        .startsWith("'url' must be an absolute http:// or https:// URL");
    assertThat(error("{\"name\":\"x\",\"kind\":\"webhook\",\"url\":\"https://h.example/\",\"secret\":\"short\"}"))
        .isEqualTo("'secret' must be at least 16 characters, got 5");
    assertThat(error("{\"name\":\"x\",\"kind\":\"webhook\",\"url\":\"https://h.example/\",\"secret\":\"" + SECRET
        + "\",\"host\":\"h\"}")).startsWith("unknown field 'host' for a webhook target");
    assertThat(error("{\"name\":\"a b\",\"kind\":\"syslog\",\"host\":\"h\"}")).startsWith("'name' must be");
    assertThat(error("[]")).startsWith("the body must be a JSON object");
    assertThat(json(get("/api/notification-targets"), 200)).hasSize(1);
  }

  @Test
  void pairsShowTheAlarmsTheControllerRaisedAndEventsSayItOnce() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> json(get("/api/pairs"), 200).get(0).get("alarms").toString()
        .equals("[\"BOTH_DOWN\"]"));
    assertThat(json(get("/api/pairs"), 200).get(0).get("healthy").asBoolean()).isFalse();

    // The two recorders' watches declare them down one after the other: the one declared first may raise its own
    // alarm (PRIMARY_DOWN or BACKUP_DOWN) for the moment before BOTH_DOWN takes its place, which clears it.
    JsonNode events = json(get("/api/events"), 200);
    Map<String, Integer> raised = new TreeMap<>();
    Map<String, Integer> cleared = new TreeMap<>();
    for (JsonNode event : events) {
      String type = event.get("type").asText();
      if (type.equals("ALARM_RAISED") || type.equals("ALARM_CLEARED")) {
        (type.equals("ALARM_RAISED") ? raised : cleared).merge(event.get("details").get("alarm").asText(), 1,
            Integer::sum);
      }
    }
    assertThat(raised).as("each alarm said once").containsEntry("BOTH_DOWN", 1).allSatisfy((alarm, times) -> {
      assertThat(times).as(alarm).isEqualTo(1);
      assertThat(alarm).isIn("BOTH_DOWN", "PRIMARY_DOWN", "BACKUP_DOWN");
    });
    raised.keySet().stream().filter(alarm -> !alarm.equals("BOTH_DOWN"))
        .forEach(alarm -> assertThat(cleared).as("cleared when BOTH_DOWN took its place").containsEntry(alarm, 1));
    assertThat(cleared).doesNotContainKey("BOTH_DOWN");
  }

  private static String webhookUrl() {
    return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook";
  }

  private static String error(String body) throws Exception {
    return json(post(body), 400).get("error").asText();
  }

  private static String metrics() throws Exception {
    return new String(get("/metrics").body());
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> post(String body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri("/api/notification-targets")).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> delete(long id) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri("/api/notification-targets/" + id)).header("Authorization", "Bearer " + token).DELETE().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + manager.port() + path);
  }

  private static JsonNode json(HttpResponse<byte[]> answer, int expectedStatus) throws Exception {
    assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(expectedStatus);
    return Json.MAPPER.readTree(answer.body());
  }
}
