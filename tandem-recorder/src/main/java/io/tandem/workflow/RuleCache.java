package io.tandem.workflow;

import io.tandem.archive.ArchiveLedger;
import io.tandem.archive.ArchiveRule;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The archive rules in force, read from the ledger at most once per time-to-live. Not thread-safe. */
final class RuleCache {
  private final ArchiveLedger ledger;
  private final Duration timeToLive;
  private final Clock clock;
  private List<ArchiveRule> rules;
  private long readAtMillis;

  RuleCache(ArchiveLedger ledger, Duration timeToLive, Clock clock) {
    this.ledger = ledger;
    this.timeToLive = timeToLive;
    this.clock = clock;
  }

  List<ArchiveRule> rules() throws SQLException {
    long now = clock.millis();
    if (rules == null || now - readAtMillis >= timeToLive.toMillis()) {
      rules = List.copyOf(ledger.rules());
      readAtMillis = now;
    }
    return rules;
  }
}
