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
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request whose query runs past the call database's statement timeout, on a real Manager and database. */
class SlowDatabaseApiTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String ROUTE = "/api/pairs/pair-s/legal-holds";

  @TempDir
  static Path files;
  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private static ManagerAssembly manager;
  private static String token;

  @BeforeAll
  static void startManager() throws Exception {
    server = EmbeddedDatabase.start(files.resolve("database"), 0);
    database = CallDatabase.connect(server.config(4).withStatementTimeout(Duration.ofSeconds(1)));
    database.migrate();
    token = database.credentials().addToken("test-admin", io.tandem.access.AccessRole.ADMIN, "the test").token();
    database.register(new RecorderRegistration(520_000, "pair-s", Position.MAIN, "http://127.0.0.1:9", "127.0.0.1:1"));
    database.register(new RecorderRegistration(520_001, "pair-s", Position.BACKUP, "http://127.0.0.1:9",
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
  void aQueryCancelledByTheStatementTimeoutIs503NamingTheSettingAndTheManagerGoesOn() throws Exception {
    try (Connection holder = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement lock = holder.createStatement()) {
      // A stuck transaction holding the table the request reads.
      holder.setAutoCommit(false);
      lock.execute("LOCK TABLE legal_holds IN ACCESS EXCLUSIVE MODE");

      HttpResponse<byte[]> slow = send(ROUTE);

      assertThat(json(slow, 503).get("error").asText())
          .startsWith("the call database took longer than database.statementTimeout (1s) and cancelled the "
              + "statement; try again later or ask for less: ")
          .doesNotContain("\n");
      holder.rollback();
    }
    assertThat(json(send(ROUTE), 200)).isEmpty();
    assertThat(send("/health").statusCode()).isEqualTo(200);
  }

  private static HttpResponse<byte[]> send(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + manager.port() + path))
        .header("Authorization", "Bearer " + token).GET().build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> answer, int expectedStatus) throws Exception {
    assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(expectedStatus);
    return Json.MAPPER.readTree(answer.body());
  }
}
