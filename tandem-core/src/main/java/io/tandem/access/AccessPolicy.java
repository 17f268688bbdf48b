package io.tandem.access;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks each request of one server against the {@link RouteTable} before its handler runs (a Javalin
 * {@code beforeMatched} handler): an open route passes; otherwise the request must authenticate (401 when it does
 * not) as a principal whose role the route lists (403 when it is not). Every refusal is handed to the audit before
 * it is answered. The principal is kept on the request for the handler ({@link #principal}). Thread-safe.
 */
public final class AccessPolicy {
  /** The attribute the principal is kept under on a request that passed. */
  private static final String PRINCIPAL = "tandem.principal";

  /** Finds who a request is from: empty without a credential; throws {@link AccessRefusedException} for a bad one. */
  @FunctionalInterface
  public interface Authenticator {
    Optional<Principal> authenticate(Context ctx) throws Exception;
  }

  /** Where refusals are audited. */
  @FunctionalInterface
  public interface Refusals {
    void refused(String actor, String route, int status, String reason);
  }

  private final RouteTable.Server server;
  private final Authenticator authenticator;
  private final Refusals refusals;

  public AccessPolicy(RouteTable.Server server, Authenticator authenticator, Refusals refusals) {
    this.server = Objects.requireNonNull(server, "server");
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.refusals = Objects.requireNonNull(refusals, "refusals");
  }

  /** The {@code beforeMatched} handler. */
  public void check(Context ctx) throws Exception {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    if (endpoint == null) {
      return;
    }
    String method = endpoint.method.name();
    String route = method + " " + endpoint.path;
    Optional<RouteTable.Route> entry = RouteTable.find(server, method, endpoint.path);
    if (entry.isEmpty()) {
      // A route registered without a line in the table is refused to everyone rather than left open.
      throw refuse("anonymous@" + ctx.ip(), route, 403, route + " is not in the access table of this server");
    }
    if (entry.get().open()) {
      return;
    }
    Optional<Principal> principal;
    try {
      principal = authenticator.authenticate(ctx);
    } catch (AccessRefusedException e) {
      throw refuse("anonymous@" + ctx.ip(), route, e.status(), e.getMessage());
    }
    if (principal.isEmpty()) {
      throw refuse("anonymous@" + ctx.ip(), route, 401, route + " needs a credential: 'Authorization: Bearer "
          + "<token>'" + (server == RouteTable.Server.MANAGER ? " or a session cookie from POST /api/login" : ""));
    }
    if (!entry.get().roles().contains(principal.get().role())) {
      throw refuse(principal.get().actor(), route, 403, route + " needs the role "
          + String.join(" or ", entry.get().roles().stream().map(AccessRole::word).sorted().toList()) + "; "
          + principal.get().actor() + " is " + principal.get().role().word());
    }
    ctx.attribute(PRINCIPAL, principal.get());
  }

  /** The principal a checked request authenticated as; empty on an open route. */
  public static Optional<Principal> principal(Context ctx) {
    return Optional.ofNullable(ctx.attribute(PRINCIPAL));
  }

  /** The bearer credential of a request, or empty. */
  public static Optional<String> bearer(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null) {
      return Optional.empty();
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      throw new AccessRefusedException(401, "the Authorization header must be 'Bearer <token>'");
    }
    return Optional.of(header.substring(7).strip());
  }

  private AccessRefusedException refuse(String actor, String route, int status, String reason) {
    refusals.refused(actor, route, status, reason);
    return new AccessRefusedException(status, reason);
  }
}
