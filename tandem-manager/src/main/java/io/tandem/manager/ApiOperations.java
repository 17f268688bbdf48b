package io.tandem.manager;

import static io.tandem.manager.ApiSchemas.anyObject;
import static io.tandem.manager.ApiSchemas.flag;
import static io.tandem.manager.ApiSchemas.instant;
import static io.tandem.manager.ApiSchemas.listOf;
import static io.tandem.manager.ApiSchemas.object;
import static io.tandem.manager.ApiSchemas.oneOf;
import static io.tandem.manager.ApiSchemas.pattern;
import static io.tandem.manager.ApiSchemas.ref;
import static io.tandem.manager.ApiSchemas.text;
import static io.tandem.manager.ApiSchemas.whole;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the OpenAPI document says of each Recorder Manager route beyond its line in
 * {@link io.tandem.access.RouteTable} (method, path, roles, summary): the query parameters it reads, the JSON body it
 * takes and its main answer. Keyed by {@code "METHOD path"} as the route table writes them; a test holds both tables
 * to the same routes. Immutable.
 */
final class ApiOperations {
  /** One query parameter. */
  record Parameter(String name, Map<String, Object> schema) {}

  /** A route's query parameters, request body (null: none) and main answer (schema null: not JSON). */
  record Operation(List<Parameter> query, Map<String, Object> body, int status, String contentType,
      Map<String, Object> schema, String answer) {
    Operation withQuery(List<Parameter> parameters) {
      return new Operation(List.copyOf(parameters), body, status, contentType, schema, answer);
    }

    Operation withBody(Map<String, Object> request) {
      return new Operation(query, request, status, contentType, schema, answer);
    }
  }

  static final String JSON = "application/json";
  /** An export holds at most this many interactions; {@code limit} above it is refused. */
  static final int EXPORT_MAX = 500;

  private static final Map<String, Operation> OPERATIONS = table();

  private ApiOperations() {}

  static Optional<Operation> of(String method, String path) {
    return Optional.ofNullable(OPERATIONS.get(method + " " + path));
  }

  /** Every {@code "METHOD path"} the table describes. */
  static java.util.Set<String> keys() {
    return OPERATIONS.keySet();
  }

  /** The search filters both {@code GET /api/interactions} and its ZIP export read, with {@code limit} up to max. */
  static List<Parameter> searchParameters(int defaultLimit, int maxLimit) {
    List<Parameter> parameters = new ArrayList<>(List.of(
        new Parameter("from", instant("start at or after this instant")),
        new Parameter("to", instant("start before this instant")),
        new Parameter("participant", text("part of a participant's name, number or address of record, any case")),
        new Parameter("serial", pattern("^[0-9]{6}$", "a copy recorded by this recorder")),
        new Parameter("callRole", oneOf("a copy recorded in this call role", "MASTER", "SLAVE")),
        new Parameter("minDuration", whole(0, 31_536_000, "length in seconds at least this")),
        new Parameter("maxDuration", whole(0, 31_536_000, "length in seconds at most this")),
        new Parameter("complete", flag("the best copy is complete (true) or truncated (false)")),
        new Parameter("quirks", flag("some copy has quirks (true) or none has (false)")),
        new Parameter("order", oneOf("newest first (the default) or oldest first", "newest", "oldest")),
        new Parameter("cursor", text("the X-Tandem-Next-Cursor of the page before")),
        new Parameter("limit", whole(1, maxLimit, "at most this many (default " + defaultLimit + ")"))));
    return List.copyOf(parameters);
  }

  private static Map<String, Operation> table() {
    Map<String, Operation> t = new LinkedHashMap<>();
    t.put("GET /health", json(200, anyObject("{\"status\": \"alive\"}"), "the process lives"));
    t.put("GET /ready", json(200, anyObject("{\"status\": \"ready\", \"rrc\": \"acting\" or \"standby\", "
        + "\"rrcLeader\": the URL of the Manager whose RRC acts}"),
        "every pair has a registered primary and the call database answers (503 with the reason otherwise)"));
    t.put("POST /api/login", json(200, anyObject("name, role and expiresInSeconds of the session"),
        "signed in: the session cookie is set").withBody(object(List.of("name", "password"),
        "name", text("the user's name"), "password", text("the user's password"))));
    t.put("POST /api/logout", none(204, "the session is ended and its cookie removed"));
    t.put("GET /", none(302, "a redirect to the console's page"));
    t.put("GET /api/live", answer(200, "text/event-stream", null, "server-sent events: pairs and events as they change")
        .withQuery(List.of(new Parameter("after", text("the id of the last event already seen")))));
    t.put("GET /api/stats/calls-per-minute", json(200, listOf(anyObject("one recorder's counts per minute")),
        "copies started per minute per recorder").withQuery(List.of(new Parameter("minutes",
        whole(1, 1440, "how many minutes back (default 60)")))));
    t.put("GET /api/pairs", json(200, listOf(ref("Pair")), "every pair"));
    t.put("POST /api/pairs/{name}/failback", json(202, anyObject("the failback started"),
        "the failback is started (409 when the policy or health forbids it)"));
    t.put("PUT /api/pairs/{name}/policy", json(200, ref("Pair"), "the pair with its new policy").withBody(object(
        List.of(), "rollbackWindowSeconds", whole(0, Integer.MAX_VALUE, "how far back a failover promotes"),
        "failbackPolicy", oneOf("", "never", "manual"), "gapPolicy", oneOf("", "report", "promote"),
        "matchToleranceMillis", whole(0, 60_000, "how far apart two copies' starts may be"))));
    t.put("GET /api/interactions", json(200, listOf(ref("Interaction")),
        "the interactions found; X-Tandem-Next-Cursor and Link name the next page")
        .withQuery(searchParameters(RequestParameters.DEFAULT_LIMIT, RequestParameters.MAX_LIMIT)));
    t.put("GET /api/interactions/export.zip", answer(200, "application/zip", null,
        "a ZIP: the WAV of each interaction's best readable copy and manifest.json (id, INUM, start, participants, "
            + "bytes, SHA-256 of each; the reason for one with no readable copy) and SHA256SUMS")
        .withQuery(searchParameters(InteractionExport.DEFAULT_LIMIT, EXPORT_MAX)));
    t.put("GET /api/interactions/{id}", json(200, ref("Interaction"), "the interaction with its participants"));
    t.put("GET /api/interactions/{id}/media", answer(200, "audio/wav", null,
        "the best readable copy (206 for a Range); X-Tandem-Inum names the copy; 502 when none can be read"));
    t.put("GET /api/interactions/{id}/copies/{inum}/media", answer(200, "audio/wav", null,
        "that copy (206 for a Range); 502 when it cannot be read"));
    t.put("POST /api/reprocess", json(202, ref("JobStarted"), "the job started").withBody(object(
        List.of("serial", "from", "to"), "serial", pattern("^[0-9]{6}$", "the recorder"),
        "from", instant("first call start"), "to", instant("calls starting before this"))));
    t.put("POST /api/rebuild", json(202, ref("JobStarted"), "the job started").withBody(object(
        List.of("serial", "command"), "serial", pattern("^[0-9]{6}$", "the recorder"),
        "command", text("Rebuild (Full|Fix) [IncMasterCalls [IncSlaveCalls [StartTime [EndTime]]]]"))));
    t.put("GET /api/jobs/{id}", json(200, ref("Job"), "the job's state, progress and summary"));
    t.put("GET /api/events", json(200, listOf(ref("Event")), "oldest first: the events after 'after' (the next"
        + " page in Link when the page is full), or the newest").withQuery(List.of(
        new Parameter("after", text("the id of the last event already seen")),
        new Parameter("limit", whole(1, RecorderManager.MAX_EVENTS, "at most this many events (default "
            + RequestParameters.DEFAULT_LIMIT + ")")))));
    t.put("GET /api/notification-targets", json(200, listOf(anyObject("a notification target")), "the targets"));
    t.put("POST /api/notification-targets", json(201, anyObject("the target added"), "added").withBody(object(
        List.of("name", "kind"), "name", text("letters, digits, '.', '-', '_'"), "kind", oneOf("", "webhook", "syslog"),
        "url", text("webhook: the https URL"), "secret", text("webhook: at least 16 characters"),
        "host", text("syslog: the host"), "port", whole(1, 65_535, "syslog: the port (514)"),
        "transport", oneOf("syslog", "udp", "tcp"), "facility", text("syslog: such as local0"))));
    t.put("DELETE /api/notification-targets/{id}", none(204, "removed"));
    Map<String, Object> rule = object(List.of("name"), "name", text("the rule's name"),
        "target", text("the absolute folder archived copies go under (or s3Target)"),
        "s3Target", text("the S3 target, by its name in the config files, archived copies go to (or target)"),
        "keyPrefix", text("with s3Target: what the copies' keys start with (none)"),
        "retentionMode", oneOf("with s3Target: each copy retained in this mode", "GOVERNANCE", "COMPLIANCE"),
        "retentionDays", whole(1, 36_525, "with retentionMode: days from the call's start the copy is locked"),
        "legalHold", flag("with s3Target: each copy under a legal hold (default false)"),
        "recorderSerial", whole(1, 999_999, "only this recorder (null: all)"),
        "minDurationSeconds", whole(0, 31_536_000, "only calls at least this long"), "enabled", flag("default true"));
    t.put("GET /api/archive-rules", json(200, listOf(anyObject("an archive rule")), "the rules"));
    t.put("POST /api/archive-rules", json(201, anyObject("the rule added"), "added").withBody(rule));
    t.put("PUT /api/archive-rules/{id}", json(200, anyObject("the rule changed"), "changed").withBody(rule));
    t.put("DELETE /api/archive-rules/{id}", none(204, "removed"));
    t.put("GET /api/pairs/{name}/legal-holds", json(200, listOf(anyObject("a legal hold")), "the pair's holds"));
    t.put("POST /api/pairs/{name}/legal-holds", json(201, anyObject("the hold added"), "added").withBody(object(
        List.of("from", "to", "reason"), "from", instant("calls starting at or after"),
        "to", instant("calls starting before"), "reason", text("why, for the audit"))));
    t.put("DELETE /api/pairs/{name}/legal-holds/{id}", none(204, "released"));
    t.put("GET /api/call-months", json(200, anyObject("retentionDays (null: every call kept), monthsAhead, months"
        + " [{month, interactionsEstimate, copiesEstimate, bytes}], lastRound {at, cutoff, made, dropped, kept} or"
        + " null"), "the months"));
    Map<String, Object> role = oneOf("", "admin", "operator", "supervisor", "auditor");
    t.put("GET /api/users", json(200, listOf(anyObject("a user, never the password")), "the users"));
    t.put("POST /api/users", json(201, anyObject("the user added"), "added").withBody(object(
        List.of("name", "role", "password"), "name", text("the user's name"), "role", role,
        "password", text("the password"))));
    t.put("DELETE /api/users/{name}", none(204, "removed"));
    t.put("GET /api/tokens", json(200, listOf(anyObject("a token, never its secret")), "the tokens"));
    t.put("POST /api/tokens", json(201, anyObject("id, name, role and the token, shown this once"), "created")
        .withBody(object(List.of("name", "role"), "name", text("what the token is for"), "role", role)));
    t.put("DELETE /api/tokens/{id}", none(204, "revoked"));
    t.put("GET /api/audit", json(200, listOf(anyObject("an audit row")), "the newest rows").withQuery(List.of(
        new Parameter("limit", whole(1, RequestParameters.MAX_LIMIT, "at most this many rows")))));
    t.put("GET /api/audit/verify", json(200, anyObject("intact, rows, and the broken row and problem if any"),
        "the verdict on the audit chain"));
    t.put("GET /metrics", answer(200, "text/plain", null, "Prometheus text"));
    t.put("GET /api/openapi.json", json(200, anyObject("an OpenAPI 3.1 document"), "this document"));
    return Map.copyOf(t);
  }

  private static Operation json(int status, Map<String, Object> schema, String answer) {
    return answer(status, JSON, schema, answer);
  }

  private static Operation none(int status, String answer) {
    return answer(status, null, null, answer);
  }

  private static Operation answer(int status, String contentType, Map<String, Object> schema, String answer) {
    return new Operation(List.of(), null, status, contentType, schema, answer);
  }
}
