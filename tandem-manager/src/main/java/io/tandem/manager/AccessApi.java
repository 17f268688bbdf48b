package io.tandem.manager;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.tandem.access.AccessPolicy;
import io.tandem.access.AccessRefusedException;
import io.tandem.access.AccessRole;
import io.tandem.access.IssuedToken;
import io.tandem.access.Principal;
import io.tandem.audit.AuditEntry;
import io.tandem.audit.AuditVerdict;
import io.tandem.database.CallDatabase;
import io.tandem.database.Credentials;
import io.tandem.database.NameTakenException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call the Manager, and the routes that manage it: authentication (an API token as a bearer, or the session
 * cookie {@code POST /api/login} sets), login and logout, users, API tokens, and the audit with its verification.
 * Every login, user and token change is audited, durably before it is answered. Thread-safe.
 */
final class AccessApi {
  static final String SESSION_COOKIE = "tandem_session";
  private static final Logger LOG = LoggerFactory.getLogger(AccessApi.class);

  private final CallDatabase database;
  private final Credentials credentials;
  private final boolean secureCookie;

  AccessApi(CallDatabase database, boolean secureCookie) {
    this.database = database;
    this.credentials = database.credentials();
    this.secureCookie = secureCookie;
  }

  /** The policy of this server's routes, authenticating with {@link #authenticate}. */
  AccessPolicy policy() {
    return new AccessPolicy(io.tandem.access.RouteTable.Server.MANAGER, this::authenticate, this::refused);
  }

  private Optional<Principal> authenticate(Context ctx) throws SQLException {
    Optional<String> bearer = AccessPolicy.bearer(ctx);
    if (bearer.isPresent()) {
      return Optional.of(credentials.token(bearer.get()).orElseThrow(() -> new AccessRefusedException(401,
          "the bearer token is not valid (unknown or revoked)")));
    }
    String session = ctx.cookie(SESSION_COOKIE);
    if (session != null) {
      return Optional.of(credentials.session(session).orElseThrow(() -> new AccessRefusedException(401,
          "the session has expired or ended: log in again with POST /api/login")));
    }
    return Optional.empty();
  }

  /** Refusals are audited as they happen; one the database cannot take is logged, and the refusal stands. */
  private void refused(String actor, String route, int status, String reason) {
    try {
      database.audit(new AuditEntry(actor, "refused", route, reason, Integer.toString(status)));
    } catch (SQLException | RuntimeException e) {
      LOG.warn("refused {} for {} ({}) and could not audit it: {}", route, actor, status, e.toString());
    }
  }

  void login(Context ctx) throws SQLException {
    JsonBody body = JsonBody.of(ctx.body(), List.of("name", "password"));
    String name = body.text("name");
    String password = body.text("password");
    Optional<Principal> user = credentials.checkPassword(name, password);
    String from = "login from " + ctx.ip();
    if (user.isEmpty()) {
      database.audit(new AuditEntry("anonymous@" + ctx.ip(), "login", "user " + name, from, "failed"));
      JsonAnswers.error(ctx, 401, "wrong name or password");
      return;
    }
    database.audit(new AuditEntry(name, "login", "user " + name, from, "succeeded"));
    String session = credentials.openSession(name);
    ctx.cookie(new Cookie(SESSION_COOKIE, session, "/", (int) Credentials.SESSION_LIFETIME.toSeconds(), secureCookie,
        true, null, SameSite.STRICT));
    JsonAnswers.json(ctx, 200, Map.of("name", name, "role", user.get().role().word(),
        "expiresInSeconds", Credentials.SESSION_LIFETIME.toSeconds()));
  }

  void logout(Context ctx) throws SQLException {
    Principal principal = principal(ctx);
    String session = ctx.cookie(SESSION_COOKIE);
    if (session != null) {
      credentials.closeSession(session);
    }
    database.audit(new AuditEntry(principal.actor(), "logout", "user " + principal.name(), "", "succeeded"));
    ctx.removeCookie(SESSION_COOKIE, "/");
    ctx.status(204);
  }

  void users(Context ctx) throws SQLException {
    JsonAnswers.json(ctx, 200, credentials.users());
  }

  void addUser(Context ctx) throws SQLException {
    JsonBody body = JsonBody.of(ctx.body(), List.of("name", "role", "password"));
    String name = body.text("name");
    AccessRole role = role(body.text("role"));
    String password = body.text("password");
    Principal admin = principal(ctx);
    // Audited first: a user is never added without its row.
    database.audit(new AuditEntry(admin.actor(), "user-add", "user " + name, "role " + role.word(), "requested"));
    try {
      JsonAnswers.json(ctx, 201, credentials.addUser(name, role, password, admin.actor()));
    } catch (IllegalArgumentException e) {
      int status = e instanceof NameTakenException ? 409 : 400;
      database.audit(new AuditEntry(admin.actor(), "user-add", "user " + name, "role " + role.word(),
          "refused: " + e.getMessage()));
      JsonAnswers.error(ctx, status, e.getMessage());
    }
  }

  void removeUser(Context ctx) throws SQLException {
    String name = ctx.pathParam("name");
    Principal admin = principal(ctx);
    database.audit(new AuditEntry(admin.actor(), "user-remove", "user " + name, "", "requested"));
    if (credentials.removeUser(name)) {
      ctx.status(204);
    } else {
      JsonAnswers.error(ctx, 404, "no user " + name);
    }
  }

  void tokens(Context ctx) throws SQLException {
    JsonAnswers.json(ctx, 200, credentials.tokens());
  }

  void addToken(Context ctx) throws SQLException {
    JsonBody body = JsonBody.of(ctx.body(), List.of("name", "role"));
    String name = body.text("name");
    AccessRole role = role(body.text("role"));
    Principal admin = principal(ctx);
    database.audit(new AuditEntry(admin.actor(), "token-add", "token " + name, "role " + role.word(), "requested"));
    IssuedToken token;
    try {
      token = credentials.addToken(name, role, admin.actor());
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", token.id());
    answer.put("name", token.name());
    answer.put("role", token.role().word());
    answer.put("token", token.token());
    JsonAnswers.json(ctx, 201, answer);
  }

  void revokeToken(Context ctx) throws SQLException {
    long id = RequestParameters.id(ctx, "token id");
    Principal admin = principal(ctx);
    database.audit(new AuditEntry(admin.actor(), "token-revoke", "token " + id, "", "requested"));
    if (credentials.revokeToken(id)) {
      ctx.status(204);
    } else {
      JsonAnswers.error(ctx, 404, "no valid token " + id);
    }
  }

  void audit(Context ctx) throws SQLException {
    JsonAnswers.json(ctx, 200, database.auditRows(RequestParameters.limit(ctx)));
  }

  void verify(Context ctx) throws SQLException {
    AuditVerdict verdict = database.verifyAudit();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("intact", verdict.intact());
    answer.put("rows", verdict.rows());
    if (!verdict.intact()) {
      answer.put("brokenRow", verdict.brokenRowId());
      answer.put("problem", verdict.problem());
    }
    answer.put("summary", verdict.line());
    JsonAnswers.json(ctx, 200, answer);
  }

  /** The principal of a request the policy let through (an open route has none). */
  static Principal principal(Context ctx) {
    return AccessPolicy.principal(ctx).orElseThrow(() -> new IllegalStateException("no principal on "
        + ctx.method() + " " + ctx.path()));
  }

  private static AccessRole role(String word) {
    try {
      return AccessRole.ofPerson(word);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }
}
