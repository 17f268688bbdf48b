package io.tandem.manager;

import io.tandem.access.AccessRole;
import io.tandem.access.IssuedToken;
import io.tandem.access.Secrets;
import io.tandem.audit.AuditEntry;
import io.tandem.database.CallDatabase;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The first administrator of a call database that has no user yet: user {@code admin} with a random password and an
 * admin API token, both to be shown once by whoever made them. Immutable.
 */
public record FirstAdmin(String name, String password, IssuedToken token) {
  public static final String NAME = "admin";

  /** Makes the first admin when the call database has no user; empty otherwise. Audited as made by {@code by}. */
  public static Optional<FirstAdmin> ensure(CallDatabase database, String by) throws SQLException {
    if (database.credentials().hasUsers()) {
      return Optional.empty();
    }
    String password = Secrets.random("");
    database.audit(new AuditEntry(by, "user-add", "user " + NAME, "role admin, the first user", "requested"));
    database.credentials().addUser(NAME, AccessRole.ADMIN, password, by);
    database.audit(new AuditEntry(by, "token-add", "token " + NAME + "-token", "role admin, the first token",
        "requested"));
    IssuedToken token = database.credentials().addToken(NAME + "-token", AccessRole.ADMIN, by);
    return Optional.of(new FirstAdmin(NAME, password, token));
  }

  /** The lines that show the credentials, once. */
  public String lines() {
    return "  Admin user         '" + name + "', password " + password + " (shown this once)\n"
        + "  Admin API token    " + token.token() + " (shown this once: keep it, e.g. export TANDEM_TOKEN=...)";
  }
}
