package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.access.AccessRole;
import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchiveTarget;
import io.tandem.archive.ObjectLock;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archive rules listed, added, changed and removed through the Recorder Manager, on a real call database. */
class ArchiveRuleApiTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

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
    token = database.credentials().addToken("test-admin", AccessRole.ADMIN, "the test").token();
    manager = new ManagerAssembly(new ManagerConfig("127.0.0.1", 0, server.jdbcUrl(), "postgres", "",
        Duration.ofSeconds(5), 3), database);
    manager.start();
  }

  @AfterAll
  static void stopManager() {
    manager.stop();
    database.close();
    server.close();
  }

  @BeforeEach
  void noRules() throws Exception {
    for (ArchiveRule rule : database.rules()) {
      database.removeRule(rule.id());
    }
  }

  @Test
  void aRuleAddedChangedAndRemovedIsWhatTheRecordersReadAndEachChangeIsAudited() throws Exception {
    HttpResponse<String> added = send("POST", "/api/archive-rules",
        "{\"name\": \"long calls of the Main\", \"target\": \"/srv/archive/long\", \"recorderSerial\": 100001,"
            + " \"minDurationSeconds\": 60}");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    long id = Json.MAPPER.readTree(added.body()).get("id").asLong();
    assertThat(database.rules()).containsExactly(
        new ArchiveRule(id, "long calls of the Main", 100_001, 60_000, Path.of("/srv/archive/long"), true));

    HttpResponse<String> changed = send("PUT", "/api/archive-rules/" + id,
        "{\"name\": \"every call\", \"target\": \"/srv/archive/all\", \"enabled\": false}");
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(database.rules()).containsExactly(
        new ArchiveRule(id, "every call", null, 0, Path.of("/srv/archive/all"), false));
    JsonNode listed = Json.MAPPER.readTree(send("GET", "/api/archive-rules", null).body());
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("recorderSerial").isNull()).isTrue();
    assertThat(listed.get(0).get("target").asText()).isEqualTo("/srv/archive/all");
    assertThat(listed.get(0).get("enabled").asBoolean()).isFalse();

    assertThat(send("DELETE", "/api/archive-rules/" + id, null).statusCode()).isEqualTo(204);
    assertThat(database.rules()).isEmpty();
    assertThat(send("DELETE", "/api/archive-rules/" + id, null).statusCode()).isEqualTo(404);
    assertThat(auditedActions()).containsSubsequence("archive-rule-add", "archive-rule-change", "archive-rule-remove");
  }

  @Test
  void aRuleNamingAnS3TargetWithALockIsStoredAndListedAsSent() throws Exception {
    HttpResponse<String> added = send("POST", "/api/archive-rules",
        "{\"name\": \"kept seven years\", \"s3Target\": \"calls\", \"keyPrefix\": \"tandem/\","
            + " \"retentionMode\": \"COMPLIANCE\", \"retentionDays\": 2555, \"legalHold\": true}");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    long id = Json.MAPPER.readTree(added.body()).get("id").asLong();
    assertThat(database.rules()).containsExactly(new ArchiveRule(id, "kept seven years", null, 0,
        new ArchiveTarget.S3("calls", "tandem/"), new ObjectLock(ObjectLock.RetentionMode.COMPLIANCE, 2555, true),
        true));

    JsonNode rule = Json.MAPPER.readTree(send("GET", "/api/archive-rules", null).body()).get(0);
    assertThat(rule.get("target").isNull()).isTrue();
    assertThat(rule.get("s3Target").asText()).isEqualTo("calls");
    assertThat(rule.get("keyPrefix").asText()).isEqualTo("tandem/");
    assertThat(rule.get("retentionMode").asText()).isEqualTo("COMPLIANCE");
    assertThat(rule.get("retentionDays").asInt()).isEqualTo(2555);
    assertThat(rule.get("legalHold").asBoolean()).isTrue();

    HttpResponse<String> folder = send("PUT", "/api/archive-rules/" + id,
        "{\"name\": \"kept seven years\", \"target\": \"/srv/archive\"}");
    assertThat(folder.statusCode()).as(folder.body()).isEqualTo(200);
    assertThat(database.rules()).containsExactly(
        new ArchiveRule(id, "kept seven years", null, 0, Path.of("/srv/archive"), true));
  }

  @Test
  void badS3RulesAre400NamingTheFieldAndChangeNothing() throws Exception {
    List<ArchiveRule> before = database.rules();

    assertThat(error("POST", "/api/archive-rules", "{\"name\": \"a\"}", 400)).contains("'target'", "'s3Target'");
    assertThat(error("POST", "/api/archive-rules", "{\"name\": \"a\", \"target\": \"/a\", \"s3Target\": \"b\"}",
        400)).contains("not both");
    assertThat(error("POST", "/api/archive-rules", "{\"name\": \"a\", \"s3Target\": \"no spaces\"}", 400))
        .contains("'s3Target'");
    assertThat(error("POST", "/api/archive-rules",
        "{\"name\": \"a\", \"s3Target\": \"b\", \"keyPrefix\": \"/rooted\"}", 400)).contains("'keyPrefix'");
    assertThat(error("POST", "/api/archive-rules", "{\"name\": \"a\", \"target\": \"/a\", \"keyPrefix\": \"p/\"}",
        400)).contains("'keyPrefix' goes with 's3Target'");
    assertThat(error("POST", "/api/archive-rules",
        "{\"name\": \"a\", \"target\": \"/a\", \"legalHold\": true}", 400)).contains("S3 copies only");
    assertThat(error("POST", "/api/archive-rules",
        "{\"name\": \"a\", \"s3Target\": \"b\", \"retentionMode\": \"FOREVER\", \"retentionDays\": 5}", 400))
        .contains("'retentionMode' must be GOVERNANCE or COMPLIANCE");
    assertThat(error("POST", "/api/archive-rules",
        "{\"name\": \"a\", \"s3Target\": \"b\", \"retentionMode\": \"GOVERNANCE\"}", 400))
        .contains("'retentionDays'");
    assertThat(error("POST", "/api/archive-rules",
        "{\"name\": \"a\", \"s3Target\": \"b\", \"retentionDays\": 5}", 400))
        .contains("'retentionDays' goes with 'retentionMode'");
    assertThat(error("POST", "/api/archive-rules",
        "{\"name\": \"a\", \"s3Target\": \"b\", \"retentionMode\": \"GOVERNANCE\", \"retentionDays\": 0}",
        400)).contains("'retentionDays'");

    assertThat(database.rules()).isEqualTo(before);
  }

  @Test
  void badRulesAre400NamingTheFieldAndChangeNothing() throws Exception {
    database.addRule("kept", null, 0, Path.of("/srv/archive"), true);
    List<ArchiveRule> before = database.rules();

    assertThat(error("POST", "/api/archive-rules", "not json", 400)).contains("JSON object");
    assertThat(error("POST", "/api/archive-rules", "[]", 400)).contains("JSON object");
    assertThat(error("POST", "/api/archive-rules", "{\"target\": \"/srv/a\"}", 400)).contains("'name'");
    assertThat(error("POST", "/api/archive-rules", "{\"name\": \"a\", \"target\": \"relative/dir\"}", 400))
        .contains("'target' must be an absolute path", "relative/dir");
    assertThat(error("POST", "/api/archive-rules", "{\"name\": \"a\", \"target\": \"/a\", \"recorderSerial\": 12}",
        400)).contains("'recorderSerial'");
    assertThat(error("POST", "/api/archive-rules",
        "{\"name\": \"a\", \"target\": \"/a\", \"minDurationSeconds\": -5}", 400)).contains("'minDurationSeconds'");
    assertThat(error("POST", "/api/archive-rules", "{\"name\": \"a\", \"target\": \"/a\", \"enabled\": \"yes\"}",
        400)).contains("'enabled'");
    assertThat(error("POST", "/api/archive-rules", "{\"name\": \"a\", \"target\": \"/a\", \"minDuration\": 5}", 400))
        .contains("unknown field 'minDuration'");
    assertThat(error("POST", "/api/archive-rules", "{\"name\": \"kept\", \"target\": \"/b\"}", 409))
        .contains("'kept' exists already");
    assertThat(error("PUT", "/api/archive-rules/999999", "{\"name\": \"x\", \"target\": \"/b\"}", 404))
        .contains("no archive rule 999999");
    assertThat(error("PUT", "/api/archive-rules/abc", "{\"name\": \"x\", \"target\": \"/b\"}", 400))
        .contains("archive rule id");

    assertThat(database.rules()).isEqualTo(before);
  }

  private static String error(String method, String path, String body, int status) throws Exception {
    HttpResponse<String> answer = send(method, path, body);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    return Json.MAPPER.readTree(answer.body()).get("error").asText();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + manager.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token).build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> auditedActions() throws Exception {
    List<String> actions = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT action FROM audit WHERE action LIKE 'archive-rule%' ORDER BY id")) {
      while (rows.next()) {
        actions.add(rows.getString(1));
      }
    }
    return actions;
  }
}
