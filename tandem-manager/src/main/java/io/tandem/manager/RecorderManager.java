package io.tandem.manager;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.tandem.access.AccessRefusedException;
import io.tandem.audit.AuditEntry;
import io.tandem.call.Inum;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseErrors;
import io.tandem.database.EventView;
import io.tandem.database.InteractionPage;
import io.tandem.database.InteractionView;
import io.tandem.database.MediaSource;
import io.tandem.database.PairView;
import io.tandem.redundancy.FailbackRefusedException;
import io.tandem.redundancy.Leadership;
import io.tandem.redundancy.HealthProbe;
import io.tandem.redundancy.Readiness;
import io.tandem.redundancy.RedundancyController;
import io.tandem.replay.CopyReader;
import io.tandem.replay.MediaReplay;
import io.tandem.tls.HttpsConnector;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Recorder Manager's HTTP layer: the admin console and REST API over the call database, with replay, metrics,
 * reprocess of call date ranges (forwarded to the recorder concerned), failback by hand and the live feed. It parses
 * requests, calls the parts {@link ManagerAssembly} built and answers; it starts and stops none of them.
 * Thread-safe; start once, stop once.
 */
public final class RecorderManager {
  private static final Logger LOG = LoggerFactory.getLogger(RecorderManager.class);
  /** The header carrying the cursor of a search's next page, absent on its last. */
  static final String NEXT_CURSOR = "X-Tandem-Next-Cursor";
  /** The most events one answer of {@code GET /api/events} holds. */
  static final int MAX_EVENTS = 10_000;

  private final ManagerConfig config;
  private final CallDatabase database;
  private final HealthProbe probe;
  private final RedundancyController redundancy;
  private final Leadership leadership;
  private final ManagerMetrics metrics;
  private final MediaReplay replay;
  private final ForwardedJobs jobs;
  private final Clock clock;
  private final Javalin app;

  RecorderManager(ManagerConfig config, ManagerParts parts) {
    this.config = Objects.requireNonNull(config, "config");
    this.database = parts.database();
    this.probe = parts.probe();
    this.redundancy = parts.redundancy();
    this.leadership = parts.leadership();
    this.metrics = parts.metrics();
    this.replay = parts.replay();
    this.jobs = parts.jobs();
    this.clock = parts.clock();
    LiveFeed live = parts.live();
    AccessApi access = new AccessApi(database, config.tls() != null);
    NotificationTargetApi targets = new NotificationTargetApi(parts.notifier());
    ArchiveRuleApi rules = new ArchiveRuleApi(database);
    LegalHoldApi legalHolds = new LegalHoldApi(database);
    CallMonthsApi months = new CallMonthsApi(database, config.callRetention(), parts.months());
    InteractionExport export = new InteractionExport(database, replay.copyReader());
    String openApi = OpenApiDocument.json();
    this.app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      if (config.tls() != null) {
        cfg.jetty.addConnector((server, http) -> HttpsConnector.of(server, http, config.tls(), config.bindHost(),
            config.httpPort()));
      }
      // Replay must send exactly the bytes asked for.
      cfg.http.compressionStrategy = CompressionStrategy.NONE;
      cfg.requestLogger.http(metrics::recordRequest);
      cfg.routes.beforeMatched(access.policy()::check);
      cfg.routes.get("/health", ctx -> JsonAnswers.json(ctx, 200, Map.of("status", "alive")));
      cfg.routes.get("/ready", this::ready);
      cfg.staticFiles.enableWebjars();
      cfg.staticFiles.add(files -> {
        files.hostedPath = "/console";
        files.directory = "/console";
        files.location = Location.CLASSPATH;
      });
      cfg.routes.get("/", ctx -> ctx.redirect("/console/index.html"));
      cfg.routes.get("/api/stats/calls-per-minute", this::callsPerMinute);
      cfg.routes.get("/api/pairs", ctx -> JsonAnswers.json(ctx, 200, pairStatuses()));
      cfg.routes.post("/api/pairs/{name}/failback", this::failback);
      cfg.routes.put("/api/pairs/{name}/policy", this::updatePolicy);
      legalHolds.declare(cfg.routes);
      months.declare(cfg.routes);
      cfg.routes.get("/api/interactions", this::interactions);
      // Before /api/interactions/{id}, which would take "export.zip" for an id: the first route added matches.
      cfg.routes.get("/api/interactions/export.zip", export::export);
      cfg.routes.get("/api/interactions/{id}", this::interaction);
      cfg.routes.get("/api/interactions/{id}/media", this::media);
      cfg.routes.get("/api/interactions/{id}/copies/{inum}/media", this::copyMedia);
      cfg.routes.post("/api/reprocess", this::reprocess);
      cfg.routes.post("/api/rebuild", this::rebuild);
      cfg.routes.get("/api/jobs/{id}", this::job);
      cfg.routes.get("/api/events", this::events);
      cfg.routes.beforeMatched("/api/live", live::check);
      cfg.routes.sse("/api/live", live::connect);
      cfg.routes.get("/api/notification-targets", targets::list);
      cfg.routes.post("/api/notification-targets", targets::add);
      cfg.routes.delete("/api/notification-targets/{id}", targets::remove);
      cfg.routes.post("/api/login", access::login);
      cfg.routes.post("/api/logout", access::logout);
      cfg.routes.get("/api/users", access::users);
      cfg.routes.post("/api/users", access::addUser);
      cfg.routes.delete("/api/users/{name}", access::removeUser);
      cfg.routes.get("/api/tokens", access::tokens);
      cfg.routes.post("/api/tokens", access::addToken);
      cfg.routes.delete("/api/tokens/{id}", access::revokeToken);
      cfg.routes.get("/api/audit", access::audit);
      cfg.routes.get("/api/audit/verify", access::verify);
      cfg.routes.get("/api/archive-rules", rules::list);
      cfg.routes.post("/api/archive-rules", rules::add);
      cfg.routes.put("/api/archive-rules/{id}", rules::update);
      cfg.routes.delete("/api/archive-rules/{id}", rules::remove);
      cfg.routes.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
      cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
          .result(metrics.scrape()));
      cfg.routes.exception(BadRequestException.class, (e, ctx) -> JsonAnswers.error(ctx, 400, e.getMessage()));
      cfg.routes.exception(AccessRefusedException.class, (e, ctx) -> JsonAnswers.error(ctx, e.status(),
          e.getMessage()));
      cfg.routes.exception(FailbackRefusedException.class,
          (e, ctx) -> JsonAnswers.error(ctx, RefusalStatus.of(e.reason()), e.getMessage()));
      cfg.routes.exception(JobRefusedException.class,
          (e, ctx) -> JsonAnswers.error(ctx, RefusalStatus.of(e.reason()), e.getMessage()));
      cfg.routes.exception(Exception.class, this::failed);
      cfg.routes.error(404, ctx -> {
        if (!JsonAnswers.answered(ctx)) {
          JsonAnswers.error(ctx, 404, "no route " + ctx.method() + " " + ctx.path());
        }
      });
    });
  }

  void start() {
    app.start(config.bindHost(), config.httpPort());
  }

  int port() {
    return app.port();
  }

  void stop() {
    app.stop();
  }

  /**
   * Why the Manager is not ready yet, or empty when it is: the call database answers, and every pair has a
   * registered primary that answers its health checks and can capture.
   */
  Optional<String> notReadyBecause() {
    List<PairView> pairs;
    try {
      pairs = database.pairs();
    } catch (java.sql.SQLException | RuntimeException e) {
      return Optional.of("the call database does not answer: " + e.getMessage());
    }
    return Readiness.notReadyBecause(pairs, probe);
  }

  /** Every route the HTTP server serves, as {@code "METHOD path"}, read from its router. */
  java.util.Set<String> servedRoutes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream().map(entry -> entry.endpoint)
        .filter(endpoint -> endpoint.method.isHttpMethod())
        .map(endpoint -> endpoint.method.name() + " " + endpoint.path)
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Whether the recorder with this serial answers its health checks and can capture, as the RRC sees it. */
  public boolean healthy(String serial) {
    return probe.healthy(serial);
  }

  private void ready(Context ctx) {
    Optional<String> reason = notReadyBecause();
    if (reason.isPresent()) {
      JsonAnswers.error(ctx, 503, "not ready: " + reason.get());
    } else {
      Map<String, Object> answer = new java.util.LinkedHashMap<>();
      answer.put("status", "ready");
      answer.put("rrc", leadership.acting() ? "acting" : "standby");
      answer.put("rrcLeader", leadership.leaderUrl().orElse(null));
      JsonAnswers.json(ctx, 200, answer);
    }
  }

  private List<PairStatus> pairStatuses() throws java.sql.SQLException {
    return PairStatus.all(database, probe, leadership);
  }

  private void failback(Context ctx) throws Exception {
    String pair = ctx.pathParam("name");
    audit(ctx, "failback", "pair " + pair, "", "requested");
    JsonAnswers.json(ctx, 202, redundancy.failback(pair));
  }

  private void updatePolicy(Context ctx) throws Exception {
    String name = ctx.pathParam("name");
    PolicyRequest request = PolicyRequest.parse(ctx.body());
    audit(ctx, "policy", "pair " + name, request.toString(), "requested");
    if (!database.updatePairPolicy(name, request.rollbackWindowSeconds(), request.failbackPolicy(),
        request.gapPolicy(), request.matchToleranceMillis())) {
      JsonAnswers.error(ctx, 404, "no pair " + name);
      return;
    }
    Optional<PairStatus> updated = pairStatuses().stream().filter(pair -> pair.name().equals(name)).findFirst();
    if (updated.isPresent()) {
      JsonAnswers.json(ctx, 200, updated.get());
    } else {
      JsonAnswers.error(ctx, 404, "no pair " + name);
    }
  }

  private void interactions(Context ctx) throws Exception {
    InteractionPage page = database.search(SearchParameters.read(ctx));
    page.next().ifPresent(cursor -> {
      String next = cursor.text();
      ctx.header(NEXT_CURSOR, next);
      ctx.header("Link", "<" + nextPageUrl(ctx, next) + ">; rel=\"next\"");
    });
    JsonAnswers.json(ctx, 200, page.interactions());
  }

  /**
   * The event log a page at a time, oldest first: with {@code ?after=ID}, at most {@code limit} events after that id
   * and, when the page is full, the next page's address in {@code Link}; without it, the newest {@code limit}. A
   * log of years is never answered whole.
   */
  private void events(Context ctx) throws Exception {
    for (String name : ctx.queryParamMap().keySet()) {
      if (!name.isEmpty() && !name.equals("after") && !name.equals("limit")) {
        throw new BadRequestException("unknown parameter '" + name + "': the event log takes 'after' and 'limit'");
      }
    }
    int limit = RequestParameters.wholeNumber(ctx, "limit", RequestParameters.DEFAULT_LIMIT, 1, MAX_EVENTS);
    String after = ctx.queryParam("after");
    if (after == null || after.isEmpty()) {
      JsonAnswers.json(ctx, 200, database.newestEvents(limit));
      return;
    }
    long id;
    try {
      id = Long.parseLong(after);
    } catch (NumberFormatException e) {
      id = -1;
    }
    if (id < 0) {
      throw new BadRequestException("'after' must be the id of an event (a whole number from 0), got '" + after + "'");
    }
    List<EventView> page = database.eventsAfter(id, limit);
    if (page.size() == limit) {
      ctx.header("Link", "<" + ctx.path() + "?after=" + page.getLast().id() + "&limit=" + limit + ">; rel=\"next\"");
    }
    JsonAnswers.json(ctx, 200, page);
  }

  /** The same request's path and query with the next page's cursor in place of this one's. */
  private static String nextPageUrl(Context ctx, String cursor) {
    StringBuilder url = new StringBuilder(ctx.path()).append("?cursor=").append(cursor);
    ctx.queryParamMap().forEach((name, values) -> {
      if (!name.equals("cursor")) {
        values.forEach(value -> url.append('&').append(name).append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
      }
    });
    return url.toString();
  }

  private void interaction(Context ctx) throws Exception {
    long id = RequestParameters.id(ctx);
    Optional<InteractionView> interaction = database.interaction(id);
    if (interaction.isPresent()) {
      JsonAnswers.json(ctx, 200, interaction.get());
    } else {
      JsonAnswers.error(ctx, 404, "no interaction " + id);
    }
  }

  private void media(Context ctx) throws Exception {
    long id = RequestParameters.id(ctx);
    metrics.replayed(ctx.header("Range") != null);
    List<MediaSource> sources = database.copySources(id);
    if (sources.isEmpty()) {
      JsonAnswers.error(ctx, 404, "no interaction " + id + " with a marked copy");
      return;
    }
    String range = ctx.header("Range");
    audit(ctx, "replay", "interaction " + id, "the best readable of " + sources.size() + " copies"
        + (range == null ? "" : " (" + range.strip() + ")"), "served");
    replay.serve(ctx, sources);
  }

  private void copyMedia(Context ctx) throws Exception {
    long id = RequestParameters.id(ctx);
    metrics.replayed(ctx.header("Range") != null);
    Inum inum = RequestParameters.inum(ctx);
    Optional<MediaSource> source = database.copySources(id).stream()
        .filter(candidate -> candidate.inum().equals(inum)).findFirst();
    if (source.isEmpty()) {
      JsonAnswers.error(ctx, 404, "interaction " + id + " has no copy " + inum);
      return;
    }
    String range = ctx.header("Range");
    audit(ctx, "replay", "interaction " + id, "copy " + inum + (range == null ? "" : " (" + range.strip() + ")"),
        "served");
    replay.serve(ctx, source.get());
  }

  private void reprocess(Context ctx) throws Exception {
    ReprocessRequest request = ReprocessRequest.parse(ctx.body());
    String actor = AccessApi.principal(ctx).actor();
    audit(ctx, "reprocess", "recorder " + request.serial(), "from " + request.from() + " to " + request.to(),
        "requested");
    String id = jobs.start(request.serial(), request.from(), request.to(), actor);
    JsonAnswers.json(ctx, 202, Map.of("id", id));
  }

  private void rebuild(Context ctx) throws Exception {
    RebuildRequest request = RebuildRequest.parse(ctx.body());
    String actor = AccessApi.principal(ctx).actor();
    audit(ctx, "rebuild", "recorder " + request.serial(), request.command().strip(), "requested");
    String id = jobs.startRebuild(request.serial(), request.command(), actor);
    JsonAnswers.json(ctx, 202, Map.of("id", id));
  }

  private void job(Context ctx) throws Exception {
    String id = ctx.pathParam("id");
    Optional<ForwardedJobView> job = jobs.job(id);
    if (job.isPresent()) {
      JsonAnswers.json(ctx, 200, job.get());
    } else {
      JsonAnswers.error(ctx, 404, "no job " + id + " on this Recorder Manager");
    }
  }

  private void callsPerMinute(Context ctx) throws Exception {
    int minutes = RequestParameters.wholeNumber(ctx, "minutes", 60, 1, 1440);
    JsonAnswers.json(ctx, 200, database.callsPerMinute(clock.instant(), minutes));
  }

  /** Writes the request's audit row, durable before the action is taken; a row that cannot be written refuses it. */
  private void audit(Context ctx, String action, String target, String detail, String result) throws Exception {
    database.audit(new AuditEntry(AccessApi.principal(ctx).actor(), action, target, detail, result));
  }

  private void failed(Exception e, Context ctx) {
    if (DatabaseErrors.isStatementTimeout(e)) {
      String slow = DatabaseErrors.statementTimeoutMessage(database.statementTimeout());
      LOG.warn("{} for {} {}: {}", slow, ctx.method(), ctx.path(), e.toString());
      JsonAnswers.error(ctx, 503, slow + "; try again later or ask for less: " + e.getMessage());
    } else if (DatabaseErrors.isRetryable(e)) {
      LOG.warn("call database unavailable for {} {}: {}", ctx.method(), ctx.path(), e.toString());
      JsonAnswers.error(ctx, 503, "the call database is unavailable, try again: " + e.getMessage());
    } else {
      LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
      JsonAnswers.error(ctx, 500, "internal error: " + e.getMessage());
    }
  }
}
