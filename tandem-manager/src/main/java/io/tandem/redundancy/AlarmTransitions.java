package io.tandem.redundancy;

import io.tandem.database.AlarmLedger;
import io.tandem.database.LeaderFence;
import io.tandem.database.LeaseLostException;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a pass sees into alarm transitions: clears each raised alarm that is known to be over, then raises
 * each alarm on that is not raised yet. The call database appends each transition's event once, even when two
 * passes (or two Managers) decide the same transition, and only under the RRC lease's fence. Used by one thread at
 * a time.
 */
final class AlarmTransitions {
  private static final Logger LOG = LoggerFactory.getLogger(AlarmTransitions.class);

  private final AlarmLedger ledger;

  AlarmTransitions(AlarmLedger ledger) {
    this.ledger = ledger;
  }

  /** Applies the transitions of one pair; the alarms of the pair raised after them. */
  Set<AlarmKey> apply(LeaderFence fence, AlarmObservation seen, Set<AlarmKey> raised)
      throws SQLException, LeaseLostException {
    Set<AlarmKey> after = new LinkedHashSet<>(raised);
    for (AlarmKey key : raised) {
      if (!seen.on().contains(key) && seen.knows(key)) {
        ledger.clear(fence, key.pair(), key.alarm(), key.serial())
            .ifPresent(id -> LOG.info("alarm {} of pair {}{} cleared", key.alarm(), key.pair(), about(key)));
        after.remove(key);
      }
    }
    for (AlarmKey key : seen.on()) {
      if (!after.contains(key)) {
        ledger.raise(fence, key.pair(), key.alarm(), key.serial(), seen.details(key))
            .ifPresent(id -> LOG.warn("alarm {} of pair {}{} raised", key.alarm(), key.pair(), about(key)));
        after.add(key);
      }
    }
    return after;
  }

  private static String about(AlarmKey key) {
    return key.serial() == null ? "" : " (recorder " + key.serial() + ")";
  }
}
