package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.tandem.access.AccessRole;
import io.tandem.access.RouteTable;
import io.tandem.database.CallDatabase;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document and the API explorer of a real Manager, checked against the routes its router serves. */
class OpenApiDocumentTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static EmbeddedDatabase server;
  private static CallDatabase database;
  private static ManagerAssembly manager;
  /** The least of the roles: the document is for every signed-in user. */
  private static String auditorToken;
  @TempDir
  static Path files;

  @BeforeAll
  static void startManager() throws Exception {
    server = EmbeddedDatabase.start(files.resolve("database"), 0);
    database = CallDatabase.connect(server.config(2));
    database.migrate();
    auditorToken = database.credentials().addToken("test-auditor", AccessRole.AUDITOR, "the test").token();
    manager = new ManagerAssembly(new ManagerConfig("127.0.0.1", 0, server.jdbcUrl(), "postgres", "",
        Duration.ofSeconds(1), 3), database);
    manager.start();
  }

  @AfterAll
  static void stopManager() {
    manager.stop();
    database.close();
    server.close();
  }

  @Test
  void theDocumentListsExactlyTheRoutesTheServerServes() throws Exception {
    JsonNode paths = document().get("paths");
    Set<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> path = paths.fields(); path.hasNext(); ) {
      Map.Entry<String, JsonNode> item = path.next();
      item.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase() + " "
          + item.getKey()));
    }

    assertThat(manager.servedRoutes()).as("routes registered in the Manager's router").hasSizeGreaterThan(30)
        .contains("GET /api/interactions/export.zip", "GET /api/openapi.json");
    assertThat(documented).as("(method, path) of the OpenAPI document, against the router's")
        .isEqualTo(manager.servedRoutes());
  }

  @Test
  void theDocumentIsValidOpenApiWithBothCredentialsAndTheRolesOfEachOperation() throws Exception {
    String text = get("/api/openapi.json", auditorToken).body();
    SwaggerParseResult parsed = new OpenAPIParser().readContents(text, null, null);

    assertThat(parsed.getMessages()).as("what the OpenAPI parser found wrong").isEmpty();
    assertThat(parsed.getOpenAPI().getComponents().getSecuritySchemes()).containsOnlyKeys("bearerToken",
        "sessionCookie");
    assertThat(parsed.getOpenAPI().getComponents().getSecuritySchemes().get("sessionCookie").getName())
        .isEqualTo("tandem_session");
    JsonNode search = Json.MAPPER.readTree(text).get("paths").get("/api/interactions").get("get");
    assertThat(search.get("x-tandem-roles").toString()).isEqualTo("[\"admin\",\"supervisor\"]");
    Set<String> queried = new TreeSet<>();
    search.get("parameters").forEach(parameter -> queried.add(parameter.get("name").asText()));
    assertThat(queried).as("the search's documented filters").isEqualTo(new TreeSet<>(SearchParameters.NAMES));
    JsonNode health = Json.MAPPER.readTree(text).get("paths").get("/health").get("get");
    assertThat(health.get("security")).as("an open route needs no credential").isEmpty();
    JsonNode policy = Json.MAPPER.readTree(text).get("paths").get("/api/pairs/{name}/policy").get("put");
    assertThat(policy.at("/requestBody/content/application~1json/schema/properties").has("failbackPolicy")).isTrue();
    assertThat(policy.at("/parameters/0/name").asText()).isEqualTo("name");
  }

  @Test
  void theOperationTableDescribesTheRouteTablesManagerRoutesAndNoOthers() {
    Set<String> routes = RouteTable.routes(RouteTable.Server.MANAGER).stream()
        .map(route -> route.method() + " " + route.path()).collect(Collectors.toCollection(TreeSet::new));

    assertThat(new TreeSet<>(ApiOperations.keys())).isEqualTo(routes);
  }

  @Test
  void theDocumentNeedsACredential() throws Exception {
    HttpResponse<String> anonymous = get("/api/openapi.json", null);

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).contains("needs a credential");
  }

  @Test
  void theExplorerPageLoadsWithItsSwaggerUiAssetsAndTheConsoleLinksIt() throws Exception {
    HttpResponse<String> page = get("/console/api.html", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("/webjars/swagger-ui/5.35.0/swagger-ui-bundle.js", "api.js");
    HttpResponse<String> bundle = get("/webjars/swagger-ui/5.35.0/swagger-ui-bundle.js", null);
    assertThat(bundle.statusCode()).isEqualTo(200);
    assertThat(bundle.body()).contains("SwaggerUIBundle");
    assertThat(get("/webjars/swagger-ui/5.35.0/swagger-ui.css", null).statusCode()).isEqualTo(200);
    assertThat(get("/console/api.js", null).body()).contains("/api/openapi.json", "SwaggerUIBundle(");
    assertThat(get("/console/index.html", null).body()).contains("href=\"api.html\"");
  }

  private static JsonNode document() throws Exception {
    HttpResponse<String> answer = get("/api/openapi.json", auditorToken);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
        .startsWith("application/json"));
    return Json.MAPPER.readTree(answer.body());
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + manager.port() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
