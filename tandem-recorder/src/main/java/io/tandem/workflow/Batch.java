package io.tandem.workflow;

import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Due PENDING entries, the calls they name and the verdict on their media, as read without changing
 * anything, with the Workflow's count of departures from before the read. Immutable.
 *
 * @param sound the calls to mark: those whose media is sound, and as copies that hold nothing those with no media
 *     at all
 * @param failures why each failed entry cannot be consolidated
 * @param recording the entries whose call is still recording
 * @param promotedOnly whether only promoted entries were read
 */
record Batch(List<Inum> due, List<CallRecord> sound, Map<Inum, String> failures, List<Inum> recording,
    boolean promotedOnly, long departures) {
  /** This batch without the entries that something else moved since it was read (a Rebuild Full). */
  Batch stillPending(Set<Inum> pending) {
    if (pending.size() == due.size()) {
      return this;
    }
    Map<Inum, String> keptFailures = new LinkedHashMap<>(failures);
    keptFailures.keySet().retainAll(pending);
    return new Batch(due.stream().filter(pending::contains).toList(),
        sound.stream().filter(call -> pending.contains(call.inum())).toList(), keptFailures,
        recording.stream().filter(pending::contains).toList(), promotedOnly, departures);
  }
}
