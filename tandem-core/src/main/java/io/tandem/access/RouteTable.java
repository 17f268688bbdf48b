package io.tandem.access;

import static io.tandem.access.AccessRole.ADMIN;
import static io.tandem.access.AccessRole.AUDITOR;
import static io.tandem.access.AccessRole.MANAGER;
import static io.tandem.access.AccessRole.OPERATOR;
import static io.tandem.access.AccessRole.SUPERVISOR;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one table of who may call which route, for the Recorder Manager and for each recorder: both servers check
 * every request against it, the tests drive every route through it, and the route table of the docs is printed
 * from it. A route with no roles is open (the health probes, and the login that hands out a credential). Paths are
 * written as the servers register them ({@code {name}} for a path parameter). Immutable.
 */
public final class RouteTable {
  /** Which server a route belongs to. */
  public enum Server { MANAGER, RECORDER }

  /** One route and the roles that may call it; empty roles mean open. */
  public record Route(Server server, String method, String path, Set<AccessRole> roles, String what) {
    public boolean open() {
      return roles.isEmpty();
    }
  }

  private static final Set<AccessRole> OPEN = Set.of();
  private static final Set<AccessRole> ADMIN_ONLY = EnumSet.of(ADMIN);

  private static final List<Route> ROUTES = List.of(
      manager("GET", "/health", OPEN, "liveness"),
      manager("GET", "/ready", OPEN, "readiness, for scripts and load balancers"),
      manager("POST", "/api/login", OPEN, "a user's name and password for a session cookie"),
      manager("POST", "/api/logout", EnumSet.of(ADMIN, OPERATOR, SUPERVISOR, AUDITOR), "ends the session"),
      manager("GET", "/", OPEN, "the console (it asks for a sign-in; its files under /console and /webjars are open)"),
      manager("GET", "/api/live", EnumSet.of(ADMIN, OPERATOR, SUPERVISOR, AUDITOR),
          "server-sent pairs and events (each only to the roles that may read it)"),
      manager("GET", "/api/stats/calls-per-minute", EnumSet.of(ADMIN, OPERATOR, SUPERVISOR),
          "copies started per minute per recorder"),
      manager("GET", "/api/pairs", EnumSet.of(ADMIN, OPERATOR, SUPERVISOR), "pairs, roles, alarms"),
      manager("POST", "/api/pairs/{name}/failback", ADMIN_ONLY, "failback by hand"),
      manager("PUT", "/api/pairs/{name}/policy", ADMIN_ONLY, "a pair's policy"),
      manager("GET", "/api/interactions", EnumSet.of(ADMIN, SUPERVISOR), "search"),
      manager("GET", "/api/interactions/export.zip", EnumSet.of(ADMIN, SUPERVISOR),
          "a search's results as a ZIP of WAVs with a checksum manifest"),
      manager("GET", "/api/interactions/{id}", EnumSet.of(ADMIN, SUPERVISOR), "one interaction"),
      manager("GET", "/api/interactions/{id}/media", EnumSet.of(ADMIN, SUPERVISOR), "replay"),
      manager("GET", "/api/interactions/{id}/copies/{inum}/media", EnumSet.of(ADMIN, SUPERVISOR), "replay of one copy"),
      manager("POST", "/api/reprocess", EnumSet.of(ADMIN, OPERATOR), "reprocess a call date range"),
      manager("POST", "/api/rebuild", EnumSet.of(ADMIN, OPERATOR), "a WorkflowShell Rebuild on a recorder"),
      manager("GET", "/api/jobs/{id}", EnumSet.of(ADMIN, OPERATOR), "a reprocess or Rebuild job"),
      manager("GET", "/api/events", EnumSet.of(ADMIN, OPERATOR, AUDITOR), "the event log"),
      manager("GET", "/api/notification-targets", ADMIN_ONLY, "notification targets"),
      manager("POST", "/api/notification-targets", ADMIN_ONLY, "add a notification target"),
      manager("DELETE", "/api/notification-targets/{id}", ADMIN_ONLY, "remove a notification target"),
      manager("GET", "/api/archive-rules", EnumSet.of(ADMIN, OPERATOR), "archive rules"),
      manager("POST", "/api/archive-rules", ADMIN_ONLY, "add an archive rule"),
      manager("PUT", "/api/archive-rules/{id}", ADMIN_ONLY, "change an archive rule"),
      manager("DELETE", "/api/archive-rules/{id}", ADMIN_ONLY, "remove an archive rule"),
      manager("GET", "/api/pairs/{name}/legal-holds", EnumSet.of(ADMIN, AUDITOR), "a pair's legal holds"),
      manager("POST", "/api/pairs/{name}/legal-holds", ADMIN_ONLY, "put calls under a legal hold"),
      manager("DELETE", "/api/pairs/{name}/legal-holds/{id}", ADMIN_ONLY, "release a legal hold"),
      manager("GET", "/api/call-months", EnumSet.of(ADMIN, AUDITOR),
          "the call database's months, their sizes, the retention and its last round"),
      manager("GET", "/api/users", ADMIN_ONLY, "users"),
      manager("POST", "/api/users", ADMIN_ONLY, "add a user"),
      manager("DELETE", "/api/users/{name}", ADMIN_ONLY, "remove a user"),
      manager("GET", "/api/tokens", ADMIN_ONLY, "API tokens (never their secret)"),
      manager("POST", "/api/tokens", ADMIN_ONLY, "create an API token"),
      manager("DELETE", "/api/tokens/{id}", ADMIN_ONLY, "revoke an API token"),
      manager("GET", "/api/audit", EnumSet.of(ADMIN, AUDITOR), "the newest audit rows"),
      manager("GET", "/api/audit/verify", EnumSet.of(ADMIN, AUDITOR), "verify the audit chain"),
      manager("GET", "/metrics", EnumSet.of(ADMIN, OPERATOR), "Prometheus metrics"),
      manager("GET", "/api/openapi.json", EnumSet.of(ADMIN, OPERATOR, SUPERVISOR, AUDITOR),
          "the OpenAPI document of these routes (the explorer at /console/api.html reads it)"),
      recorder("GET", "/health", OPEN, "liveness and capture health, for the RRC's probe"),
      recorder("GET", "/api/beats", EnumSet.of(MANAGER),
          "capture health every few ms on a kept-open response, for the RRC's probe"),
      recorder("GET", "/api/status", EnumSet.of(ADMIN, OPERATOR, SUPERVISOR, MANAGER), "role, epoch, buffer"),
      recorder("GET", "/api/calls", EnumSet.of(ADMIN, OPERATOR, SUPERVISOR, MANAGER), "calls of the buffer"),
      recorder("GET", "/api/calls/{inum}", EnumSet.of(ADMIN, OPERATOR, SUPERVISOR, MANAGER), "one call"),
      recorder("GET", "/api/calls/{inum}/media", EnumSet.of(ADMIN, SUPERVISOR, MANAGER), "a call's media"),
      recorder("GET", "/api/calls/{inum}/metadata", EnumSet.of(ADMIN, OPERATOR, SUPERVISOR, MANAGER),
          "a call's SIPREC metadata"),
      recorder("POST", "/api/rebuild", EnumSet.of(ADMIN, OPERATOR, MANAGER), "Rebuild Full or Fix"),
      recorder("POST", "/api/reprocess", EnumSet.of(ADMIN, OPERATOR, MANAGER), "reprocess a call date range"),
      recorder("POST", "/api/role", EnumSet.of(MANAGER), "the RRC's role order"),
      recorder("POST", "/api/promote", EnumSet.of(MANAGER), "the RRC's promotion order"),
      recorder("GET", "/api/jobs", EnumSet.of(ADMIN, OPERATOR, MANAGER), "recent jobs"),
      recorder("GET", "/api/jobs/{id}", EnumSet.of(ADMIN, OPERATOR, MANAGER), "one job"),
      recorder("GET", "/metrics", EnumSet.of(ADMIN, OPERATOR, MANAGER), "Prometheus metrics"));

  private RouteTable() {}

  public static List<Route> routes() {
    return ROUTES;
  }

  public static List<Route> routes(Server server) {
    return ROUTES.stream().filter(route -> route.server() == server).toList();
  }

  /** The route of {@code server} registered as {@code method path}, if the table has it. */
  public static Optional<Route> find(Server server, String method, String path) {
    return ROUTES.stream().filter(route -> route.server() == server && route.method().equalsIgnoreCase(method)
        && route.path().equals(path)).findFirst();
  }

  /** The table as the docs show it: one Markdown table per server, a column per role. */
  public static String markdown() {
    StringBuilder text = new StringBuilder();
    text.append("<!-- Printed by `./tandem routes` from the table both servers check; a test keeps it current. -->\n");
    for (Server server : Server.values()) {
      text.append("\n## ").append(server == Server.MANAGER ? "Recorder Manager" : "Recorder").append("\n\n");
      List<AccessRole> columns = server == Server.MANAGER ? List.of(ADMIN, OPERATOR, SUPERVISOR, AUDITOR)
          : List.of(ADMIN, OPERATOR, SUPERVISOR, AUDITOR, MANAGER);
      text.append("| route | what |").append(columns.stream().map(role -> " " + role.word() + " |")
          .collect(Collectors.joining())).append('\n');
      text.append("|---|---|").append("---|".repeat(columns.size())).append('\n');
      for (Route route : routes(server)) {
        text.append("| `").append(route.method()).append(' ').append(route.path()).append("` | ").append(route.what())
            .append(" |");
        for (AccessRole role : columns) {
          text.append(route.open() ? " open |" : route.roles().contains(role) ? " yes |" : " - |");
        }
        text.append('\n');
      }
    }
    return text.toString();
  }

  private static Route manager(String method, String path, Set<AccessRole> roles, String what) {
    return new Route(Server.MANAGER, method, path, Set.copyOf(roles), what);
  }

  private static Route recorder(String method, String path, Set<AccessRole> roles, String what) {
    return new Route(Server.RECORDER, method, path, Set.copyOf(roles), what);
  }
}
