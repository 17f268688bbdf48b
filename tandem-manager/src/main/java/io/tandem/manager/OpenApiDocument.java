package io.tandem.manager;

import static io.tandem.manager.ApiSchemas.flag;
import static io.tandem.manager.ApiSchemas.instant;
import static io.tandem.manager.ApiSchemas.listOf;
import static io.tandem.manager.ApiSchemas.object;
import static io.tandem.manager.ApiSchemas.oneOf;
import static io.tandem.manager.ApiSchemas.pattern;
import static io.tandem.manager.ApiSchemas.ref;
import static io.tandem.manager.ApiSchemas.text;

import io.tandem.access.AccessRole;
import io.tandem.access.RouteTable;
import io.tandem.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 document of the Recorder Manager's API, generated from the {@link RouteTable} (every route, its
 * roles and summary) and {@link ApiOperations} (parameters, bodies, answers): nothing in it is written by hand apart
 * from those two tables. The security schemes are the two credentials the Manager takes: the session cookie that
 * {@code POST /api/login} sets and an API token as a bearer. Built once; immutable.
 */
final class OpenApiDocument {
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([a-zA-Z]+)}");
  private static final String BEARER = "bearerToken";
  private static final String COOKIE = "sessionCookie";

  private OpenApiDocument() {}

  /** The document as JSON text. */
  static String json() {
    return Json.write(document());
  }

  static Map<String, Object> document() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("openapi", "3.1.0");
    document.put("info", Map.of("title", "Tandem Recorder Manager API", "version", "1",
        "description", "Pairs, roles, events, search, replay, jobs, archive rules, users and tokens. Every route but "
            + "the probes and the login needs a credential: an API token as 'Authorization: Bearer TOKEN', or the "
            + "session cookie of POST /api/login. Each operation lists the roles that may call it (x-tandem-roles)."));
    document.put("security", List.of(Map.of(BEARER, List.of()), Map.of(COOKIE, List.of())));
    Map<String, Object> paths = new LinkedHashMap<>();
    for (RouteTable.Route route : RouteTable.routes(RouteTable.Server.MANAGER)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(route.path(),
          path -> new LinkedHashMap<String, Object>());
      item.put(route.method().toLowerCase(java.util.Locale.ROOT), operation(route));
    }
    document.put("paths", paths);
    document.put("components", Map.of("securitySchemes", securitySchemes(), "schemas", schemas()));
    return document;
  }

  private static Map<String, Object> operation(RouteTable.Route route) {
    ApiOperations.Operation described = ApiOperations.of(route.method(), route.path()).orElseThrow(() ->
        new IllegalStateException(route.method() + " " + route.path() + " has no line in ApiOperations"));
    List<String> roles = route.roles().stream().map(AccessRole::word).sorted().toList();
    Map<String, Object> operation = new LinkedHashMap<>();
    operation.put("operationId", operationId(route));
    operation.put("summary", route.what());
    operation.put("description", route.open() ? "Open: no credential needed."
        : "Roles that may call it: " + String.join(", ", roles) + ".");
    operation.put("tags", List.of(tag(route.path())));
    operation.put("x-tandem-roles", route.open() ? List.of("open") : roles);
    if (route.open()) {
      operation.put("security", List.of());
    }
    List<Object> parameters = new ArrayList<>();
    Matcher names = PATH_PARAMETER.matcher(route.path());
    while (names.find()) {
      parameters.add(Map.of("name", names.group(1), "in", "path", "required", true,
          "schema", pathSchema(route.path(), names.group(1))));
    }
    for (ApiOperations.Parameter query : described.query()) {
      parameters.add(Map.of("name", query.name(), "in", "query", "required", false, "schema", query.schema()));
    }
    if (!parameters.isEmpty()) {
      operation.put("parameters", parameters);
    }
    if (described.body() != null) {
      operation.put("requestBody", Map.of("required", true,
          "content", Map.of(ApiOperations.JSON, Map.of("schema", described.body()))));
    }
    operation.put("responses", responses(route, described, !parameters.isEmpty()));
    return operation;
  }

  private static Map<String, Object> responses(RouteTable.Route route, ApiOperations.Operation described,
      boolean hasParameters) {
    Map<String, Object> responses = new LinkedHashMap<>();
    Map<String, Object> main = new LinkedHashMap<>();
    main.put("description", described.answer());
    if (described.contentType() != null) {
      main.put("content", Map.of(described.contentType(), described.schema() == null ? Map.of()
          : Map.of("schema", described.schema())));
    }
    responses.put(Integer.toString(described.status()), main);
    if (hasParameters || described.body() != null) {
      responses.put("400", error("a malformed parameter or body, named with the form expected; nothing changed"));
    }
    if (!route.open()) {
      responses.put("401", error("no credential, or one not valid"));
      responses.put("403", error("the credential's role may not call this route"));
    }
    if (route.path().contains("{")) {
      responses.put("404", error("nothing with that name or id"));
    }
    return responses;
  }

  private static Map<String, Object> error(String description) {
    return Map.of("description", description, "content", Map.of(ApiOperations.JSON, Map.of("schema", ref("Error"))));
  }

  private static Map<String, Object> pathSchema(String path, String name) {
    return switch (name) {
      case "inum" -> pattern("^[0-9]{15}$", "a copy's INUM: 6-digit serial and 9-digit sequence");
      case "name" -> text(path.startsWith("/api/users") ? "the user's name" : "the pair's name");
      default -> path.startsWith("/api/jobs") ? text("the job id the start answered")
          : Map.of("type", "integer", "minimum", 1);
    };
  }

  /** {@code GET /api/interactions/{id}/media} becomes {@code getInteractionsIdMedia}. */
  private static String operationId(RouteTable.Route route) {
    StringBuilder id = new StringBuilder(route.method().toLowerCase(java.util.Locale.ROOT));
    for (String word : route.path().split("[^a-zA-Z0-9]+")) {
      if (!word.isEmpty() && !word.equals("api")) {
        id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
      }
    }
    return id.length() == route.method().length() ? id + "Root" : id.toString();
  }

  /** The group an operation is listed under in the explorer: its first path word, with a few gathered up. */
  private static String tag(String path) {
    String[] segments = path.split("/");
    String word = segments.length < 2 || segments[1].isEmpty() ? "console"
        : segments[1].equals("api") && segments.length > 2 ? segments[2] : segments[1];
    return switch (word) {
      case "health", "ready", "metrics" -> "probes and metrics";
      case "login", "logout", "users", "tokens", "audit" -> "access and audit";
      case "live", "stats", "openapi.json" -> "console";
      default -> word;
    };
  }

  private static Map<String, Object> securitySchemes() {
    return Map.of(BEARER, Map.of("type", "http", "scheme", "bearer",
            "description", "an API token (POST /api/tokens; ./tandem up prints the first admin's)"),
        COOKIE, Map.of("type", "apiKey", "in", "cookie", "name", AccessApi.SESSION_COOKIE,
            "description", "the session POST /api/login opens"));
  }

  private static Map<String, Object> schemas() {
    Map<String, Object> schemas = new LinkedHashMap<>();
    schemas.put("Error", object(List.of("error"), "error", text("what was wrong and what was expected")));
    schemas.put("Participant", open(object(List.of("id", "aor"), "id", text("the participant's id"),
        "aor", text("address of record"), "name", text("display name"), "joined", instant("joined"),
        "left", instant("left"))));
    schemas.put("Copy", open(object(List.of("inum", "serial", "callRole", "complete", "marked"),
        "inum", pattern("^[0-9]{15}$", "the copy's INUM"), "serial", pattern("^[0-9]{6}$", "its recorder"),
        "callRole", oneOf("the role its recorder had", "MASTER", "SLAVE"), "complete", flag("not truncated"),
        "marked", flag("marked into the call database"), "quirks", listOf(text("odd but recordable input")),
        "dtmf", listOf(Map.of("type", "object")))));
    schemas.put("Interaction", open(object(List.of("id", "correlationKey", "start", "copies"),
        "id", Map.of("type", "integer"), "correlationKey", text("the capture source's session id"),
        "start", instant("start"), "end", instant("end"), "bestInum", text("the copy replayed"),
        "copies", listOf(ref("Copy")), "participants", listOf(ref("Participant")))));
    schemas.put("Recorder", open(object(List.of("serial", "position", "role", "healthy"),
        "serial", pattern("^[0-9]{6}$", "serial"), "position", oneOf("configured as", "MAIN", "BACKUP"),
        "role", oneOf("what it does now", "PRIMARY", "SECONDARY"), "healthy", flag("answers its health checks"),
        "adminUrl", text("http(s)://host:port"), "sipAddress", text("host:port"))));
    schemas.put("Pair", open(object(List.of("name", "epoch", "recorders"), "name", text("the pair"),
        "epoch", Map.of("type", "integer"), "rollbackWindowSeconds", Map.of("type", "integer"),
        "failbackPolicy", text("never or manual"), "gapPolicy", text("report or promote"),
        "matchToleranceMillis", Map.of("type", "integer"), "healthy", flag("no alarm raised"),
        "alarms", listOf(text("an alarm")), "recorders", listOf(ref("Recorder")),
        "rrcLeader", text("the URL of the Recorder Manager whose RRC acts; null while none holds the lease"),
        "rrc", oneOf("whether the Manager that answers is the one whose RRC acts", "acting", "standby"))));
    schemas.put("JobStarted", object(List.of("id"), "id", text("GET /api/jobs/{id} follows it")));
    schemas.put("Job", open(object(List.of("id", "state"), "id", text("the job"), "kind", text("REPROCESS or REBUILD"),
        "serial", text("the recorder"), "state", oneOf("", "RUNNING", "DONE", "FAILED"),
        "progress", Map.of("type", "object"), "summary", text("the summary line"), "error", text("why it failed"))));
    schemas.put("Event", open(object(List.of("id", "type", "at"), "id", Map.of("type", "integer"),
        "type", text("FAILOVER, RECORDER_DOWN, RECORDER_UP, GAP, ..."), "at", instant("when"),
        "pair", text("the pair"), "details", Map.of("type", "object"))));
    return schemas;
  }

  /** An answer's schema may gain fields later: clients must not refuse those. */
  private static Map<String, Object> open(Map<String, Object> schema) {
    Map<String, Object> copy = new LinkedHashMap<>(schema);
    copy.remove("additionalProperties");
    return copy;
  }
}
