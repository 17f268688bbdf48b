package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The legal-hold routes of a real Manager over a real call database. */
class LegalHoldApiTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String ROUTE = "/api/pairs/pair-h/legal-holds";

  @TempDir
  static Path files;
  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private static ManagerAssembly manager;
  private static String token;

  @BeforeAll
  static void startManager() throws Exception {
    server = EmbeddedDatabase.start(files.resolve("database"), 0);
    database = CallDatabase.connect(server.config(4));
    database.migrate();
    token = database.credentials().addToken("test-admin", io.tandem.access.AccessRole.ADMIN, "the test").token();
    // Unreachable admin URLs: these tests need the pair to exist, not to answer.
    database.register(new RecorderRegistration(510_000, "pair-h", Position.MAIN, "http://127.0.0.1:9", "127.0.0.1:1"));
    database.register(new RecorderRegistration(510_001, "pair-h", Position.BACKUP, "http://127.0.0.1:9",
        "127.0.0.1:2"));
    manager = new ManagerAssembly(new ManagerConfig("127.0.0.1", 0, server.jdbcUrl(), "postgres", "",
        Duration.ofSeconds(10), 3), database);
    manager.start();
  }

  @AfterAll
  static void stopManager() {
    manager.stop();
    database.close();
    server.close();
  }

  @Test
  void aHoldIsAddedListedAndRemovedAndEachChangeAudited() throws Exception {
    long auditRows = auditRows();
    JsonNode added = json(send("POST", ROUTE, "{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-08T00:00:00Z\","
        + "\"reason\":\"case 2026-17\"}"), 201);
    assertThat(added.get("pair").asText()).isEqualTo("pair-h");
    assertThat(Instant.parse(added.get("from").asText())).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(Instant.parse(added.get("to").asText())).isEqualTo(Instant.parse("2026-11-08T00:00:00Z"));
    assertThat(added.get("reason").asText()).isEqualTo("case 2026-17");
    assertThat(added.get("createdBy").asText()).isEqualTo("token:test-admin");
    long id = added.get("id").asLong();

    JsonNode listed = json(send("GET", ROUTE, null), 200);
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("id").asLong()).isEqualTo(id);
    assertThat(database.legalHolds("pair-h")).hasSize(1);

    assertThat(send("DELETE", ROUTE + "/" + id, null).statusCode()).isEqualTo(204);
    assertThat(json(send("GET", ROUTE, null), 200)).isEmpty();
    assertThat(json(send("DELETE", ROUTE + "/" + id, null), 404).get("error").asText())
        .isEqualTo("no legal hold " + id + " of pair pair-h");
    assertThat(auditRows()).isEqualTo(auditRows + 2);
  }

  @Test
  void badHoldRequestsAre400InOneLineAndChangeNothing() throws Exception {
    long auditRows = auditRows();
    List<String> bodies = List.of(
        "{\"from\":\"2026-11-08T00:00:00Z\",\"to\":\"2026-11-01T00:00:00Z\",\"reason\":\"r\"}",
        "{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-01T00:00:00Z\",\"reason\":\"r\"}",
        "{\"from\":\"2026-11-01\",\"to\":\"2026-11-08T00:00:00Z\",\"reason\":\"r\"}",
        "{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"next week\",\"reason\":\"r\"}",
        "{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-08T00:00:00Z\"}",
        "{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-08T00:00:00Z\",\"reason\":\"  \"}",
        "{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-08T00:00:00Z\",\"reason\":\"r\",\"until\":1}",
        "[]", "not json", "");
    List<String> errors = new ArrayList<>();
    for (String body : bodies) {
      errors.add(json(send("POST", ROUTE, body), 400).get("error").asText());
    }

    assertThat(errors.get(0)).isEqualTo("'from' (2026-11-08T00:00:00Z) must be before 'to' (2026-11-01T00:00:00Z)");
    assertThat(errors.get(1)).startsWith("'from' (2026-11-01T00:00:00Z) must be before 'to'");
    assertThat(errors.get(2)).isEqualTo("'from' must be an ISO-8601 instant such as 2026-11-26T14:30:00Z, got "
        + "'2026-11-01'");
    assertThat(errors.get(3)).startsWith("'to' must be an ISO-8601 instant");
    assertThat(errors.get(4)).isEqualTo("'reason' is required");
    assertThat(errors.get(5)).startsWith("'reason' must say why the calls are held");
    assertThat(errors.get(6)).startsWith("unknown field 'until'");
    assertThat(errors).allSatisfy(error -> assertThat(error).doesNotContain("\n"));
    assertThat(send("DELETE", ROUTE + "/seven", null).statusCode()).isEqualTo(400);
    assertThat(database.legalHolds("pair-h")).isEmpty();
    assertThat(auditRows()).isEqualTo(auditRows);
  }

  @Test
  void holdsOfAnUnknownPairAre404() throws Exception {
    String body = "{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-08T00:00:00Z\",\"reason\":\"r\"}";
    assertThat(json(send("POST", "/api/pairs/nope/legal-holds", body), 404).get("error").asText())
        .isEqualTo("no pair nope");
    assertThat(json(send("GET", "/api/pairs/nope/legal-holds", null), 404).get("error").asText())
        .isEqualTo("no pair nope");
  }

  private static long auditRows() throws Exception {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM audit WHERE action LIKE 'legal-hold-%'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static HttpResponse<byte[]> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + manager.port() + path))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token);
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> answer, int expectedStatus) throws Exception {
    assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(expectedStatus);
    return Json.MAPPER.readTree(answer.body());
  }
}
