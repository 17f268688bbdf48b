package io.tandem.manager;

import io.tandem.database.CallDatabase;
import io.tandem.database.PairView;
import io.tandem.database.RaisedAlarm;
import io.tandem.redundancy.HealthView;
import io.tandem.redundancy.Leadership;
import java.sql.SQLException;
import java.util.List;

/**
 * A pair as {@code GET /api/pairs} shows it: epoch, rollback window, policies (failback, gap, and the tolerance
 * on start times by which copies without a shared session id are matched by their participants), whether it
 * is healthy (no alarm), its alarms as raised by the RRC (BACKUP_DOWN, PRIMARY_DOWN, BOTH_DOWN, GAP, and a
 * recorder's own such as DISK_LOW written {@code DISK_LOW@serial}), the health of each recorder, and the URL of
 * the Recorder Manager whose RRC acts ({@code rrcLeader}, null while no Manager holds the lease), and whether the
 * Manager that answers is that one ({@code rrc}: {@code acting} or {@code standby}).
 */
public record PairStatus(String name, long epoch, long rollbackWindowSeconds, String failbackPolicy, String gapPolicy,
    int matchToleranceMillis, boolean healthy, List<String> alarms, List<RecorderStatus> recorders,
    String rrcLeader, String rrc) {
  public PairStatus {
    alarms = List.copyOf(alarms);
    recorders = List.copyOf(recorders);
  }

  /** Every pair as the call database holds it, with the health {@code probe} sees and the alarms raised now. */
  static List<PairStatus> all(CallDatabase database, HealthView probe, Leadership leadership) throws SQLException {
    List<RaisedAlarm> raised = database.alarms().raised();
    String leader = leadership.leaderUrl().orElse(null);
    String rrc = leadership.acting() ? "acting" : "standby";
    return database.pairs().stream().map(pair -> of(pair, probe, raised, leader, rrc)).toList();
  }

  static PairStatus of(PairView pair, HealthView probe, List<RaisedAlarm> raised, String rrcLeader, String rrc) {
    List<String> alarms = raised.stream().filter(alarm -> alarm.pair().equals(pair.name()))
        .map(alarm -> alarm.serial() == null ? alarm.alarm() : alarm.alarm() + "@" + alarm.serial()).toList();
    return new PairStatus(pair.name(), pair.epoch(), pair.rollbackWindowSeconds(), pair.failbackPolicy(),
        pair.gapPolicy(), pair.matchToleranceMillis(), alarms.isEmpty(), alarms, pair.recorders().stream()
        .map(recorder -> RecorderStatus.of(recorder, probe.healthy(recorder.serial())))
        .toList(), rrcLeader, rrc);
  }
}
