package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.access.AccessRole;
import io.tandem.access.RouteTable;
import io.tandem.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call what, on a real pair over HTTP, driven by the one route table both servers check: every route
 * without a credential, and with a token of each role (and, on a recorder, the Manager's secret); the forged epoch
 * order; and the audit chain tampered with behind the application's back, found by the route and the CLI.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessEndToEndTest {
  @TempDir
  static Path root;

  /** A client that sends no credential at all. */
  private static final HttpClient ANONYMOUS = HttpClient.newBuilder().sslContext(TestCertificate.TRUST).build();
  static PairFixture pair;
  static final Map<AccessRole, String> TOKENS = new EnumMap<>(AccessRole.class);

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 410001, 410002, 27000);
    for (AccessRole role : List.of(AccessRole.ADMIN, AccessRole.OPERATOR, AccessRole.SUPERVISOR,
        AccessRole.AUDITOR)) {
      HttpResponse<String> made = send("POST", pair.managerUrl() + "/api/tokens", "{\"name\":\"it-" + role.word()
          + "\",\"role\":\"" + role.word() + "\"}", null);
      assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
      TOKENS.put(role, Json.MAPPER.readTree(made.body()).get("token").asText());
    }
    TOKENS.put(AccessRole.MANAGER, TestAccess.MANAGER_SECRET);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void everyRouteIsRefusedWithoutACredentialAndAllowedOrForbiddenExactlyAsTheTableSays() throws Exception {
    int checked = 0;
    for (RouteTable.Route route : RouteTable.routes()) {
      String url = url(route);
      HttpResponse<String> anonymous = send(route.method(), url, body(route), "");
      if (route.open()) {
        assertThat(anonymous.statusCode()).as("%s is open", route).isNotIn(401, 403);
      } else {
        assertThat(anonymous.statusCode()).as("%s without a credential", route).isEqualTo(401);
        assertThat(oneJsonLine(anonymous)).as("%s says what is missing", route).contains("needs a credential");
      }
      for (AccessRole role : AccessRole.values()) {
        if (role == AccessRole.MANAGER && route.server() == RouteTable.Server.MANAGER) {
          continue;
        }
        HttpResponse<String> answer = send(route.method(), url, body(route), TOKENS.get(role));
        if (route.open() || route.roles().contains(role)) {
          assertThat(answer.statusCode()).as("%s as %s: %s", route, role, answer.body()).isNotIn(401, 403)
              .isLessThan(500);
        } else {
          assertThat(answer.statusCode()).as("%s as %s", route, role).isEqualTo(403);
          assertThat(oneJsonLine(answer)).as("%s as %s", route, role).contains("needs the role");
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(150);
    assertThat(auditCount("refused", "403")).as("every 403 is audited").isGreaterThan(0);
    assertThat(auditCount("refused", "401")).as("every 401 is audited").isGreaterThan(0);
  }

  @Test
  @Order(2)
  void aForgedEpochOrderIsRefusedWithoutTheManagersCredentialAndWithIt() throws Exception {
    String role = pair.main.adminUrl() + "/api/role";
    String forged = "{\"role\":\"SECONDARY\",\"epoch\":9223372036854775807}";
    JsonNode before = status();

    assertThat(send("POST", role, forged, "").statusCode()).isEqualTo(401);
    assertThat(send("POST", role, forged, "not-the-secret-of-this-manager-0123456789").statusCode()).isEqualTo(401);
    assertThat(send("POST", role, forged, TOKENS.get(AccessRole.ADMIN)).statusCode()).isEqualTo(403);
    HttpResponse<String> withSecret = send("POST", role, forged, TestAccess.MANAGER_SECRET);
    assertThat(withSecret.statusCode()).isEqualTo(409);
    assertThat(oneJsonLine(withSecret)).isEqualTo("epoch 9223372036854775807 has not been issued by the call "
        + "database: pair pair-410001 is at epoch " + before.get("epoch").asLong());

    JsonNode after = status();
    assertThat(after.get("role").asText()).isEqualTo("PRIMARY");
    assertThat(after.get("epoch").asLong()).isEqualTo(before.get("epoch").asLong());
    // The order the database did issue is still taken from the Manager: the RRC's own path works.
    HttpResponse<String> issued = send("POST", role, "{\"role\":\"PRIMARY\",\"epoch\":" + before.get("epoch").asLong()
        + "}", TestAccess.MANAGER_SECRET);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    assertThat(auditCount("role", "refused: not issued")).isEqualTo(1);
  }

  @Test
  @Order(3)
  void aRowChangedOrDeletedInTheDatabaseIsReportedByTheRouteAndTheCommand() throws Exception {
    assertThat(verifyRoute().get("intact").asBoolean()).isTrue();
    assertThat(verifyCommand()).startsWith("intact, ");
    List<Long> ids = auditIds();
    long changed = ids.get(ids.size() / 3);
    String actor = text("SELECT actor FROM audit WHERE id = " + changed);

    superuser("UPDATE audit SET actor = 'nobody-did-this' WHERE id = " + changed);
    JsonNode verdict = verifyRoute();
    assertThat(verdict.get("intact").asBoolean()).isFalse();
    assertThat(verdict.get("brokenRow").asLong()).isEqualTo(changed);
    assertThat(verifyCommand()).isEqualTo("broken at row " + changed + ": its fields do not match its hash: it was "
        + "changed after it was written");

    superuser("UPDATE audit SET actor = '" + actor.replace("'", "''") + "' WHERE id = " + changed);
    assertThat(verifyRoute().get("intact").asBoolean()).as("the row as it was written").isTrue();

    ids = auditIds();
    long deleted = ids.get(ids.size() / 2);
    long next = ids.get(ids.size() / 2 + 1);
    superuser("DELETE FROM audit WHERE id = " + deleted);
    verdict = verifyRoute();
    assertThat(verdict.get("brokenRow").asLong()).as(verdict.toString()).isEqualTo(next);
    assertThat(verdict.get("problem").asText()).endsWith("were deleted, or row " + ids.get(ids.size() / 2 - 1)
        + " was changed and hashed again");
    assertThat(verifyCommand()).startsWith("broken at row " + next + ": ");
  }

  private static JsonNode status() throws Exception {
    return PairFixture.getJson(pair.main.adminUrl() + "/api/status");
  }

  private static JsonNode verifyRoute() throws Exception {
    HttpResponse<String> answer = send("GET", pair.managerUrl() + "/api/audit/verify", null,
        TOKENS.get(AccessRole.AUDITOR));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return Json.MAPPER.readTree(answer.body());
  }

  /** {@code tandem audit verify --config FILE} against the pair's call database; its one line. */
  private static String verifyCommand() throws Exception {
    Path config = root.resolve("verify.properties");
    Files.writeString(config, "database.url=" + pair.postgres.jdbcUrl() + "\ndatabase.user=postgres\n"
        + "manager.secret=" + TestAccess.MANAGER_SECRET + "\n");
    Path log = Files.createTempFile(root, "verify", ".log");
    Process verify = RecorderProcess.launch(List.of("audit", "verify", "--config", config.toString()), log);
    assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = Files.readAllLines(log).stream().filter(line -> line.startsWith("intact")
        || line.startsWith("broken")).toList();
    assertThat(lines).as(Files.readString(log)).hasSize(1);
    assertThat(verify.exitValue()).isEqualTo(lines.getFirst().startsWith("intact") ? 0 : 1);
    return lines.getFirst();
  }

  private static List<Long> auditIds() throws Exception {
    try (Connection c = DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement(); var rows = s.executeQuery("SELECT id FROM audit ORDER BY id")) {
      List<Long> ids = new java.util.ArrayList<>();
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
      return ids;
    }
  }

  private static long auditCount(String action, String result) throws Exception {
    try (Connection c = DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        var query = c.prepareStatement("SELECT count(*) FROM audit WHERE action = ? AND result = ?")) {
      query.setString(1, action);
      query.setString(2, result);
      try (var rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static String text(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement(); var rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static void superuser(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(pair.postgres.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The route's URL with its path parameters filled with values that name nothing, so nothing is changed. */
  private static String url(RouteTable.Route route) {
    String base = route.server() == RouteTable.Server.MANAGER ? pair.managerUrl() : pair.main.adminUrl();
    return base + route.path().replace("{name}", "no-such-name").replace("{id}", "999999")
        .replace("{inum}", "410001999999999");
  }

  /** An empty JSON object for a POST or PUT: a request with the right credential gets 400 and changes nothing. */
  private static String body(RouteTable.Route route) {
    return route.method().equals("POST") || route.method().equals("PUT") ? "{}" : null;
  }

  private static String oneJsonLine(HttpResponse<String> answer) throws Exception {
    assertThat(answer.body().lines().count()).isEqualTo(1);
    return Json.MAPPER.readTree(answer.body()).get("error").asText();
  }

  /** {@code token} null: the fixture's admin token; empty: no credential at all. */
  static HttpResponse<String> send(String method, String url, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null && !token.isEmpty()) {
      // A header of its own: the fixture's client adds its admin token only where none is named.
      request.header("Authorization", "Bearer " + token);
    }
    return (token != null && token.isEmpty() ? ANONYMOUS : PairFixture.HTTP).send(request.build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
