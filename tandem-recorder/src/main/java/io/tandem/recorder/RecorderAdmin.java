package io.tandem.recorder;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.tandem.access.AccessPolicy;
import io.tandem.access.AccessRefusedException;
import io.tandem.access.AccessRole;
import io.tandem.access.Principal;
import io.tandem.access.RouteTable;
import io.tandem.access.Secrets;
import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import io.tandem.database.DatabaseErrors;
import io.tandem.callbuffer.FreeSpaceWatch;
import io.tandem.callbuffer.RetentionResult;
import io.tandem.json.Json;
import io.tandem.rebuild.JobConflictException;
import io.tandem.tls.HttpsConnector;
import io.tandem.tls.TlsIdentity;
import io.tandem.admin.JobView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recorder's own HTTP API, used by the Recorder Manager, the RRC and the WorkflowShell: health,
 * status, the calls of the call buffer, their media (HTTP Range honoured exactly) and the metadata bodies
 * their sessions received, rebuild and reprocess jobs, metrics. A thin layer: it parses requests and asks the recorder. Thread-safe.
 */
final class RecorderAdmin {
  private final Recorder recorder;
  private final RecorderMetrics metrics;
  private final AccessPolicy access;
  private final TokenCheck tokens;
  private final HealthBeats beats = new HealthBeats(this::healthBody);
  private Javalin app;

  RecorderAdmin(Recorder recorder, RecorderMetrics metrics) {
    this.recorder = recorder;
    this.metrics = metrics;
    this.tokens = new TokenCheck(token -> recorder.callDatabase().credentials().token(token), recorder.clock());
    this.access = new AccessPolicy(RouteTable.Server.RECORDER, this::authenticate,
        (actor, route, status, reason) -> recorder.auditLater(actor, "refused", route + ": " + reason,
            Integer.toString(status)));
  }

  /**
   * The Recorder Manager by the secret both config files share, or a user's API token from the call database (see
   * {@link TokenCheck} for how long a token found valid is remembered).
   */
  private Optional<Principal> authenticate(Context ctx) throws SQLException {
    Optional<String> bearer = AccessPolicy.bearer(ctx);
    if (bearer.isEmpty()) {
      return Optional.empty();
    }
    String secret = recorder.config().managerSecret();
    if (secret != null && Secrets.same(secret, bearer.get())) {
      return Optional.of(new Principal("manager", AccessRole.MANAGER, "machine"));
    }
    Optional<Principal> holder = tokens.holder(bearer.get());
    if (holder.isEmpty()) {
      throw new AccessRefusedException(401, "the bearer token is not valid here (unknown, revoked, or not this "
          + "recorder's Manager secret)");
    }
    return holder;
  }

  /** Starts on {@code host:port}: HTTPS only when {@code tls} is given, plain HTTP otherwise. */
  RecorderAdmin start(String host, int port, TlsIdentity tls) {
    app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      if (tls != null) {
        cfg.jetty.addConnector((server, http) -> HttpsConnector.of(server, http, tls, host, port));
      }
      cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
      cfg.routes.beforeMatched(access::check);
      cfg.routes.get("/health", this::health);
      cfg.routes.get("/api/beats", beats::serve);
      cfg.routes.get("/api/status", this::status);
      cfg.routes.get("/api/calls", this::calls);
      cfg.routes.get("/api/calls/{inum}", this::call);
      cfg.routes.get("/api/calls/{inum}/media", this::media);
      cfg.routes.get("/api/calls/{inum}/metadata", this::metadata);
      cfg.routes.post("/api/rebuild", this::rebuild);
      cfg.routes.post("/api/reprocess", this::reprocess);
      cfg.routes.post("/api/role", this::role);
      cfg.routes.post("/api/promote", this::promote);
      cfg.routes.get("/api/jobs", ctx -> ctx.json(recorder.rebuilds().recent()));
      cfg.routes.get("/api/jobs/{id}", this::job);
      cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
      cfg.routes.exception(BadRequest.class, (e, ctx) -> ctx.status(400).json(Map.of("error", e.getMessage())));
      cfg.routes.exception(AccessRefusedException.class,
          (e, ctx) -> ctx.status(e.status()).json(Map.of("error", e.getMessage())));
      cfg.routes.exception(SQLException.class, this::databaseFailed);
      cfg.routes.exception(JobConflictException.class,
          (e, ctx) -> ctx.status(409).json(Map.of("error", e.getMessage())));
      cfg.routes.error(404, ctx -> {
        if (ctx.result() == null) {
          ctx.json(Map.of("error", "no such route: " + ctx.method() + " " + ctx.path()));
        }
      });
    }).start(host, port);
    return this;
  }

  int port() {
    return app.port();
  }

  void stop() {
    beats.stop();
    if (app != null) {
      app.stop();
    }
  }

  private void health(Context ctx) {
    Map<String, Object> body = healthBody();
    // A recorder that cannot capture must be seen as failed by the RRC.
    ctx.status(Boolean.TRUE.equals(body.get("capturing")) ? 200 : 503).json(body);
  }

  /** What {@code GET /health} and each beat of {@code GET /api/beats} say. */
  private Map<String, Object> healthBody() {
    Standing.Current standing = recorder.standing().current();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("serial", Integer.toString(recorder.config().serial()));
    body.put("position", recorder.config().position());
    body.put("role", standing.role());
    body.put("epoch", standing.epoch());
    body.put("capturing", recorder.capturing());
    body.put("registered", recorder.registered());
    body.put("activeCalls", recorder.sessions().active());
    body.put("alarms", recorder.alarms());
    FreeSpaceWatch.Reading room = recorder.freeSpace();
    body.put("disk", Map.of("freeBytes", room.freeBytes(), "floorBytes", room.floorBytes(), "resumeBytes",
        room.resumeBytes()));
    RetentionResult retention = recorder.retention();
    body.put("buffer", Map.of("bytes", retention.bufferBytes(), "capacityBytes", recorder.config().capacityBytes(),
        "heldCalls", retention.heldCalls(), "heldBytes", retention.heldBytes()));
    return body;
  }

  private void status(Context ctx) {
    Standing.Current standing = recorder.standing().current();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("serial", Integer.toString(recorder.config().serial()));
    body.put("pair", recorder.config().pair());
    body.put("position", recorder.config().position());
    body.put("role", standing.role());
    body.put("epoch", standing.epoch());
    body.put("registered", recorder.registered());
    // The pair's gap policy as this recorder last learned it from the call database.
    body.put("gapPolicy", recorder.promoteGaps() ? "promote" : "report");
    body.put("timeZone", recorder.config().timeZone().getId());
    body.put("sipAddress", recorder.sipAddress());
    body.put("activeCalls", recorder.sessions().active());
    body.put("buffer", recorder.buffer().stats());
    // The pair's legal holds as retention last read them; null until they could be read once.
    body.put("legalHolds", recorder.legalHolds());
    body.put("workflow", recorder.workflow().counts());
    ctx.json(body);
  }

  private void calls(Context ctx) {
    Instant from = instant(ctx, "from", Instant.EPOCH);
    Instant to = instant(ctx, "to", Instant.now().plusSeconds(86_400));
    int limit = limit(ctx);
    List<CallView> views = recorder.buffer().list(from, to, limit).stream().map(CallView::of).toList();
    ctx.json(views);
  }

  private void call(Context ctx) {
    Optional<CallRecord> call = recorder.buffer().find(inum(ctx));
    if (call.isEmpty()) {
      ctx.status(404).json(Map.of("error", "no call " + ctx.pathParam("inum") + " in this call buffer"));
      return;
    }
    ctx.json(CallView.of(call.get()));
  }

  /** Every metadata body the call's session received, as it came, in order. */
  private void metadata(Context ctx) {
    Inum inum = inum(ctx);
    if (recorder.buffer().find(inum).isEmpty()) {
      ctx.status(404).json(Map.of("error", "no call " + ctx.pathParam("inum") + " in this call buffer"));
      return;
    }
    ctx.json(recorder.buffer().metadata(inum).stream().map(MetadataView::of).toList());
  }

  private void media(Context ctx) throws IOException, SQLException {
    // A call's first replay decodes what it kept raw, unless its consolidation did so already.
    Optional<CallRecord> call = recorder.buffer().find(inum(ctx)).map(recorder.decoding()::decodePending);
    Path wav = call.map(c -> recorder.config().dataDir().resolve(c.mediaPath())).orElse(null);
    if (wav == null || !Files.isRegularFile(wav)) {
      ctx.status(404).json(Map.of("error", "no media for call " + ctx.pathParam("inum") + " in this call buffer"));
      return;
    }
    recorder.auditNow(actor(ctx, null), "download", "media of call " + call.get().inum()
        + rangeNote(ctx), "served");
    MediaResponse.serve(ctx, recorder.mediaFiles(), wav);
  }

  private void rebuild(Context ctx) throws SQLException {
    JobRequests.Rebuild request = JobRequests.rebuild(ctx.body(), recorder.config().timeZone());
    recorder.auditNow(actor(ctx, request.actor()), "rebuild", request.command(), "requested");
    ctx.status(202).json(recorder.rebuilds().rebuild(request.scope(), request.command(), actor(ctx, request.actor())));
  }

  private void reprocess(Context ctx) throws SQLException {
    JobRequests.Reprocess request = JobRequests.reprocess(ctx.body());
    recorder.auditNow(actor(ctx, request.actor()), "reprocess", "from " + request.from() + " to " + request.to(),
        "requested");
    ctx.status(202).json(recorder.rebuilds().reprocess(request.from(), request.to(), actor(ctx, request.actor())));
  }

  /**
   * The RRC hands a role and epoch; an epoch older than the recorder's, or one the call database has not issued to
   * the pair, is refused with 409 and changes nothing.
   */
  private void role(Context ctx) throws IOException, SQLException {
    JobRequests.RoleOrder order = JobRequests.role(ctx.body());
    long issued = recorder.callDatabase().epoch(recorder.config().pair()).orElse(0L);
    if (order.epoch() > issued) {
      recorder.auditNow(actor(ctx, null), "role", order.role() + " at epoch " + order.epoch(), "refused: not issued");
      Standing.Current now = recorder.standing().current();
      ctx.status(409).json(Map.of("error", "epoch " + order.epoch() + " has not been issued by the call database: "
          + "pair " + recorder.config().pair() + " is at epoch " + issued, "role", now.role(), "epoch", now.epoch()));
      return;
    }
    recorder.auditNow(actor(ctx, null), "role", order.role() + " at epoch " + order.epoch(), "ordered");
    if (!recorder.adopt(order.role(), order.epoch())) {
      Standing.Current now = recorder.standing().current();
      ctx.status(409).json(Map.of("error", "epoch " + order.epoch() + " is older than this recorder's epoch "
          + now.epoch(), "role", now.role(), "epoch", now.epoch()));
      return;
    }
    Standing.Current now = recorder.standing().current();
    ctx.json(Map.of("role", now.role(), "epoch", now.epoch()));
  }

  /** The RRC orders the promotion of the rollback window; only the primary of that very epoch runs it. */
  private void promote(Context ctx) throws SQLException {
    JobRequests.Promote request = JobRequests.promote(ctx.body());
    recorder.auditNow(actor(ctx, request.actor()), "promote", "epoch " + request.epoch() + " from " + request.from()
        + (request.to() == null ? "" : " to " + request.to()), "requested");
    ctx.status(202).json(recorder.promote(request.epoch(), request.from(), request.to(), actor(ctx,
        request.actor())));
  }

  private void job(Context ctx) {
    Optional<JobView> job = recorder.rebuilds().job(ctx.pathParam("id"));
    if (job.isEmpty()) {
      ctx.status(404).json(Map.of("error", "no job " + ctx.pathParam("id") + " on this recorder (it keeps the last "
          + "50 since it started)"));
      return;
    }
    ctx.json(job.get());
  }

  /**
   * Who asked, as authenticated: a user's token names its holder, whatever the body says; the Recorder Manager, which
   * authenticated its own user, may name that user ({@code manager for alice}).
   */
  private static String actor(Context ctx, String named) {
    Principal principal = AccessPolicy.principal(ctx).orElseThrow();
    if (principal.role() == AccessRole.MANAGER && named != null && !named.isBlank()) {
      return "manager for " + named;
    }
    return principal.actor();
  }

  private static String rangeNote(Context ctx) {
    String range = ctx.header("Range");
    return range == null ? "" : " (" + range.strip().replaceAll("\\s+", " ") + ")";
  }

  private static Inum inum(Context ctx) {
    try {
      return Inum.parse(ctx.pathParam("inum"));
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
  }

  private static Instant instant(Context ctx, String name, Instant fallback) {
    String value = ctx.queryParam(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadRequest("'" + name + "' must be an ISO-8601 UTC time such as 2026-11-26T14:30:00Z, got '" + value
          + "'");
    }
  }

  private static int limit(Context ctx) {
    String value = ctx.queryParam("limit");
    if (value == null || value.isEmpty()) {
      return 1000;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= 100_000) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new BadRequest("'limit' must be a whole number from 1 to 100000, got '" + value + "'");
  }

  /** A request the API cannot act on; answered 400 with the message. */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  /** The call database could not check or audit the request: it is unreachable, or too slow. */
  private void databaseFailed(SQLException e, Context ctx) {
    String why = DatabaseErrors.isStatementTimeout(e)
        ? DatabaseErrors.statementTimeoutMessage(recorder.config().databaseConfig().statementTimeout())
        : "the call database is unavailable";
    ctx.status(503).json(Map.of("error", why + ", so the request could not be checked or audited; nothing was done: "
        + e.getMessage()));
  }
}
