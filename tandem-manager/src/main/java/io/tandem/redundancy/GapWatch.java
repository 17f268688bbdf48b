package io.tandem.redundancy;

import io.tandem.database.AlarmLedger;
import io.tandem.database.EventView;
import io.tandem.database.OpenGaps;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows the GAP events the secondaries append and tells, each pass, which are still missing from the call
 * database, by pair. It reads every GAP event once at its first pass, then only from the oldest one still
 * missing on: a gap found and repaired between two passes is never seen as open. Used by one thread at a time.
 */
final class GapWatch {
  private final AlarmLedger ledger;
  /** Every GAP event up to this id was repaired when last looked at. */
  private long repairedUpTo;

  GapWatch(AlarmLedger ledger) {
    this.ledger = ledger;
  }

  Map<String, List<EventView>> missingByPair() throws SQLException {
    OpenGaps gaps = ledger.openGaps(repairedUpTo);
    repairedUpTo = gaps.missing().isEmpty() ? gaps.lastSeenEventId() : gaps.missing().getFirst().id() - 1;
    Map<String, List<EventView>> byPair = new HashMap<>();
    for (EventView gap : gaps.missing()) {
      if (gap.pair() != null) {
        byPair.computeIfAbsent(gap.pair(), pair -> new ArrayList<>()).add(gap);
      }
    }
    return byPair;
  }
}
