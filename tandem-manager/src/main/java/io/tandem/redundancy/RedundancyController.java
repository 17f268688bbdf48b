package io.tandem.redundancy;

import io.tandem.admin.RecorderClients;
import io.tandem.audit.AuditEntry;
import io.tandem.call.Role;
import io.tandem.database.CallDatabase;
import io.tandem.database.EventView;
import io.tandem.database.FailoverView;
import io.tandem.database.LeaderFence;
import io.tandem.database.LeaseLostException;
import io.tandem.database.PairView;
import io.tandem.database.RaisedAlarm;
import io.tandem.database.RecorderView;
import io.tandem.redundancy.FailbackRefusedException.Reason;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Recorder Redundancy Controller. After every round of health checks it records recorders going down
 * and coming back (RECORDER_DOWN, RECORDER_UP events), raises and clears each pair's alarms (ALARM_RAISED,
 * ALARM_CLEARED events, see {@link PairAlarms}), fails a pair over when its primary failed and its secondary is
 * healthy, appends each pair's HEARTBEAT when due, and drives every open failover found in the call database to
 * its end, each on a thread of its own: so a Recorder Manager that restarts completes a failover it was in the
 * middle of, once. What it last said of each recorder and alarm is read back from the call database at its
 * first pass, so a restart repeats no event and misses no change. It acts only while {@code lease} gives a fence (this
 * Manager holds the RRC lease, see {@link Leadership}): a pass, a failover begun, a failback and each step of a
 * failover's driver ask it right before they act, and every write they make is fenced by it in its own transaction,
 * so that a Manager paused past its lease writes nothing once another took over: the first refused write stops this
 * one acting at once. What it remembers is read again from the call database at the first pass of each leadership,
 * since another Manager acted meanwhile. {@link #tick} runs on the health probe's
 * thread only; {@link #failback} may be called from any thread.
 */
public final class RedundancyController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedundancyController.class);

  private static final List<String> RECORDER_EVENTS = List.of("RECORDER_DOWN", "RECORDER_UP");

  private final CallDatabase database;
  private final HealthView probe;
  private final Clock clock;
  private final Duration retryDelay;
  private final RecorderClients clients;
  private final Map<String, Boolean> downBySerial = new ConcurrentHashMap<>();
  private final Map<Long, Thread> drivers = new ConcurrentHashMap<>();
  /** Why a pair whose primary failed was not failed over at the last pass, so the log says it once per reason. */
  private final Map<String, String> failoverHeld = new ConcurrentHashMap<>();
  private final GapWatch gaps;
  private final AlarmTransitions alarms;
  private final Duration heartbeatInterval;
  private final ActingLease lease;
  private Heartbeats heartbeats;
  private boolean recorderEventsRead;
  /** The last pass did not act: what is remembered may be stale by the time this Manager acts again. */
  private boolean stoodBy = true;
  private volatile boolean closed;

  /**
   * {@code interval} is the health interval: the retry delay of a failover step; {@code heartbeatInterval} the
   * time between two HEARTBEAT events of a pair; {@code lease} whether this Manager may act now, and its fence.
   */
  public RedundancyController(CallDatabase database, HealthView probe, RecorderClients clients, Duration interval,
      Duration heartbeatInterval, Clock clock, ActingLease lease) {
    this.database = database;
    this.lease = lease;
    this.heartbeatInterval = heartbeatInterval;
    this.probe = probe;
    this.clients = clients;
    this.clock = clock;
    this.retryDelay = interval;
    this.gaps = new GapWatch(database.alarms());
    this.alarms = new AlarmTransitions(database.alarms());
    this.heartbeats = new Heartbeats(database, heartbeatInterval, clock);
  }

  /** One pass over every pair, when acting; errors are logged and the next pass tries again. */
  public void tick() {
    Optional<LeaderFence> fence = lease.fence();
    if (fence.isEmpty()) {
      standBy();
      return;
    }
    if (stoodBy) {
      forget();
    }
    try {
      pass(fence.get());
    } catch (LeaseLostException e) {
      lease.lost(e);
      standBy();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("redundancy pass failed, trying again at the next health check: {}", e.toString());
    }
  }

  private void pass(LeaderFence fence) throws SQLException, LeaseLostException {
    readRecorderEventsOnce();
    List<PairView> pairs = database.pairs();
    Map<String, List<EventView>> missingGaps = gaps.missingByPair();
    List<RaisedAlarm> raised = database.alarms().raised();
    for (PairView pair : pairs) {
      for (RecorderView recorder : pair.recorders()) {
        noteHealth(fence, pair, recorder);
      }
      AlarmObservation seen = PairAlarms.observe(pair, probe, missingGaps.getOrDefault(pair.name(), List.of()));
      Set<AlarmKey> raisedNow = alarms.apply(fence, seen, raisedOf(pair, raised));
      failOverIfPrimaryFailed(fence, pair);
      heartbeats.beatIfDue(fence, pair, probe, raisedNow);
    }
    driveOpenFailovers();
  }

  /** Stops the drivers of open failovers: the Manager that acts now drives them. */
  private synchronized void standBy() {
    if (!stoodBy) {
      LOG.info("the RRC stands by: this Manager does not hold the RRC lease now");
    }
    stoodBy = true;
    drivers.values().forEach(Thread::interrupt);
  }

  /** What the last leadership remembered, read again from the call database at the next pass. */
  private void forget() {
    downBySerial.clear();
    failoverHeld.clear();
    recorderEventsRead = false;
    heartbeats = new Heartbeats(database, heartbeatInterval, clock);
    stoodBy = false;
    LOG.info("the RRC acts");
  }

  /**
   * Swaps the roles back by hand: allowed when the pair's failback policy is manual and both recorders are
   * healthy. The failover it opens is driven like any other.
   *
   * @throws FailbackRefusedException when there is no such pair, or the policy, the recorders' health or a role
   *     change meanwhile does not allow it now
   */
  public FailoverView failback(String pairName) throws SQLException {
    LeaderFence fence = refuseUnlessActing();
    PairView pair = database.pairs().stream().filter(p -> p.name().equals(pairName)).findFirst()
        .orElseThrow(() -> new FailbackRefusedException(Reason.NO_SUCH_PAIR, "no pair '" + pairName + "'"));
    if (!"manual".equals(pair.failbackPolicy())) {
      throw new FailbackRefusedException(Reason.POLICY_FORBIDS, "pair '" + pairName
          + "' has failback policy '" + pair.failbackPolicy() + "'; a failback by hand needs 'manual'");
    }
    RecorderView primary = member(pair, Role.PRIMARY).orElseThrow(() -> notBoth(pairName));
    RecorderView secondary = member(pair, Role.SECONDARY).orElseThrow(() -> notBoth(pairName));
    if (!probe.healthy(primary.serial()) || !probe.healthy(secondary.serial())) {
      throw notBoth(pairName);
    }
    refuseUnlessActing();
    FailoverView failback;
    try {
      failback = database.beginFailover(fence, pairName, "FAILBACK", Integer.parseInt(primary.serial()),
          Integer.parseInt(secondary.serial()), clock.instant())
          .orElseThrow(() -> new FailbackRefusedException(Reason.ROLES_CHANGED,
              "the roles of pair '" + pairName + "' changed meanwhile"));
    } catch (LeaseLostException e) {
      lease.lost(e);
      throw new FailbackRefusedException(Reason.NOT_ACTING, "this Recorder Manager no longer holds the RRC lease ("
          + e.getMessage() + "); ask the one that holds it");
    }
    LOG.info("failback of pair {} from {} to {} at epoch {}", pairName, primary.serial(), secondary.serial(),
        failback.epoch());
    driveOpenFailovers();
    return failback;
  }

  private LeaderFence refuseUnlessActing() {
    return lease.fence().orElseThrow(() -> new FailbackRefusedException(Reason.NOT_ACTING,
        "this Recorder Manager stands by; ask the one that holds the RRC lease"));
  }

  private static FailbackRefusedException notBoth(String pairName) {
    return new FailbackRefusedException(Reason.NOT_BOTH_HEALTHY,
        "a failback of pair '" + pairName + "' needs both recorders healthy");
  }

  /** What the event log last said of each recorder, so that a restarted controller neither repeats nor misses. */
  private void readRecorderEventsOnce() throws SQLException {
    if (recorderEventsRead) {
      return;
    }
    for (EventView event : database.latestEventsBySerial(RECORDER_EVENTS)) {
      downBySerial.put(String.valueOf(event.details().get("serial")), "RECORDER_DOWN".equals(event.type()));
    }
    recorderEventsRead = true;
  }

  private static Set<AlarmKey> raisedOf(PairView pair, List<RaisedAlarm> raised) {
    Set<AlarmKey> keys = new LinkedHashSet<>();
    for (RaisedAlarm alarm : raised) {
      if (alarm.pair().equals(pair.name())) {
        keys.add(new AlarmKey(alarm.pair(), alarm.alarm(), alarm.serial()));
      }
    }
    return keys;
  }

  private void noteHealth(LeaderFence fence, PairView pair, RecorderView recorder)
      throws SQLException, LeaseLostException {
    String serial = recorder.serial();
    boolean failed = probe.failed(serial);
    boolean healthy = probe.healthy(serial);
    Boolean wasDown = downBySerial.get(serial);
    if (failed && !Boolean.TRUE.equals(wasDown)) {
      database.appendEvent(fence, "RECORDER_DOWN", pair.name(), details(recorder));
      downBySerial.put(serial, true);
      LOG.warn("recorder {} ({} of pair {}, {}) is down", serial, recorder.position(), pair.name(), recorder.role());
    } else if (healthy && !Boolean.FALSE.equals(wasDown)) {
      // A recorder first seen healthy was never reported down: nothing to say.
      if (wasDown != null) {
        database.appendEvent(fence, "RECORDER_UP", pair.name(), details(recorder));
        LOG.info("recorder {} ({} of pair {}) is up again", serial, recorder.position(), pair.name());
      }
      downBySerial.put(serial, false);
    }
  }

  private void failOverIfPrimaryFailed(LeaderFence fence, PairView pair) throws SQLException, LeaseLostException {
    Optional<RecorderView> primary = member(pair, Role.PRIMARY);
    if (primary.isEmpty() || !probe.failed(primary.get().serial())) {
      failoverHeld.remove(pair.name());
      return;
    }
    Optional<RecorderView> secondary = member(pair, Role.SECONDARY);
    if (secondary.isEmpty()) {
      holdFailover(pair, primary.get(), "the pair has no secondary");
      return;
    }
    String standby = secondary.get().serial();
    if (!probe.healthy(standby)) {
      holdFailover(pair, primary.get(), probe.failed(standby)
          ? "its secondary " + standby + " is down as well"
          : "its secondary " + standby + " has not sent a beat saying it can capture since it was last seen down"
              + " or since this Manager started");
      return;
    }
    if (lease.fence().isEmpty()) {
      return;
    }
    Optional<FailoverView> begun = database.beginFailover(fence, pair.name(), "FAILOVER",
        Integer.parseInt(primary.get().serial()), Integer.parseInt(standby), clock.instant());
    if (begun.isPresent()) {
      failoverHeld.remove(pair.name());
      FailoverView failover = begun.get();
      LOG.warn("primary {} of pair {} failed: failing over to {} at epoch {}", failover.fromSerial(), failover.pair(),
          failover.toSerial(), failover.epoch());
      database.audit(fence, new AuditEntry("rrc", "failover", "pair " + failover.pair(), "from " + failover.fromSerial()
          + " to " + failover.toSerial() + " at epoch " + failover.epoch(), "begun"));
    } else {
      holdFailover(pair, primary.get(), "its roles changed in the call database since this pass read them");
    }
  }

  /** Says once per reason why a pair whose primary failed is not failed over now. */
  private void holdFailover(PairView pair, RecorderView primary, String why) {
    if (!why.equals(failoverHeld.put(pair.name(), why))) {
      LOG.warn("primary {} of pair {} failed, but no failover now: {}", primary.serial(), pair.name(), why);
    }
  }

  private synchronized void driveOpenFailovers() throws SQLException {
    if (closed || lease.fence().isEmpty()) {
      return;
    }
    for (FailoverView failover : database.openFailovers()) {
      drivers.computeIfAbsent(failover.id(), id -> Thread.ofVirtual().name("failover-" + id).start(
          new FailoverDriver(database, clients, failover, retryDelay, lease, () -> drivers.remove(id))));
    }
  }

  private static Optional<RecorderView> member(PairView pair, Role role) {
    return pair.recorders().stream().filter(recorder -> recorder.role() == role).findFirst();
  }

  private static Map<String, Object> details(RecorderView recorder) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("serial", recorder.serial());
    details.put("position", recorder.position().name());
    details.put("role", recorder.role().name());
    return details;
  }

  /** Stops every driver; an open failover is resumed by the next Recorder Manager. */
  @Override
  public synchronized void close() {
    closed = true;
    drivers.values().forEach(Thread::interrupt);
  }
}
