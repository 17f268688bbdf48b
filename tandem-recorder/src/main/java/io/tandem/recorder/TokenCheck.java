package io.tandem.recorder;

import io.tandem.access.Principal;
import io.tandem.access.Secrets;
import io.tandem.database.DatabaseErrors;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A recorder's check of API tokens against the call database, remembering each valid token for a minute: a token
 * revoked in the database is refused here at most {@link #FRESH} later, the database is asked at most once a minute
 * per token, and while the database is unreachable a token found valid in the last {@link #OUTAGE} is still taken,
 * so that an operator can read a recorder through an outage of the database. Thread-safe.
 */
final class TokenCheck {
  static final Duration FRESH = Duration.ofMinutes(1);
  static final Duration OUTAGE = Duration.ofMinutes(15);
  /** More tokens than any deployment has; past it the remembered ones are forgotten at once. */
  private static final int MAX_REMEMBERED = 10_000;

  /** Looks a token up in the call database. */
  @FunctionalInterface
  interface Lookup {
    Optional<Principal> find(String token) throws SQLException;
  }

  private record Checked(Principal principal, Instant at) {}

  private final Lookup lookup;
  private final Clock clock;
  private final Map<String, Checked> valid = new ConcurrentHashMap<>();

  TokenCheck(Lookup lookup, Clock clock) {
    this.lookup = lookup;
    this.clock = clock;
  }

  /** The token's holder; empty for a token unknown or revoked. */
  Optional<Principal> holder(String token) throws SQLException {
    String key = Secrets.sha256(token);
    Instant now = clock.instant();
    Checked checked = valid.get(key);
    if (checked != null && checked.at().plus(FRESH).isAfter(now)) {
      return Optional.of(checked.principal());
    }
    Optional<Principal> found;
    try {
      found = lookup.find(token);
    } catch (SQLException e) {
      if (DatabaseErrors.isRetryable(e) && checked != null && checked.at().plus(OUTAGE).isAfter(now)) {
        return Optional.of(checked.principal());
      }
      throw e;
    }
    if (found.isEmpty()) {
      valid.remove(key);
      return found;
    }
    if (valid.size() >= MAX_REMEMBERED) {
      valid.clear();
    }
    valid.put(key, new Checked(found.get(), now));
    return found;
  }
}
