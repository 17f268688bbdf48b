package io.tandem.redundancy;

import io.tandem.admin.RecorderClients;
import io.tandem.call.Role;
import io.tandem.database.CallDatabase;
import io.tandem.database.FailoverView;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Recorder Redundancy Controller. After every round of health checks it records recorders going down
 * and coming back (RECORDER_DOWN, RECORDER_UP events), fails a pair over when its primary failed and its
 * secondary is healthy, and drives every open failover found in the call database to its end, each on a
 * thread of its own: so a Recorder Manager that restarts completes a failover it was in the middle of, once.
 * {@link #tick} runs on the health probe's thread only; {@link #failback} may be called from any thread.
 */
public final class RedundancyController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedundancyController.class);

  private final CallDatabase database;
  private final HealthProbe probe;
  private final Clock clock;
  private final Duration retryDelay;
  private final RecorderClients clients;
  private final Map<String, Boolean> downBySerial = new ConcurrentHashMap<>();
  private final Map<Long, Thread> drivers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** {@code interval} is the health interval: the retry delay of a failover step. */
  public RedundancyController(CallDatabase database, HealthProbe probe, RecorderClients clients, Duration interval,
      Clock clock) {
    this.database = database;
    this.probe = probe;
    this.clients = clients;
    this.clock = clock;
    this.retryDelay = interval;
  }

  /** One pass over every pair; errors are logged and the next pass tries again. */
  public void tick() {
    try {
      for (PairView pair : database.pairs()) {
        for (RecorderView recorder : pair.recorders()) {
          noteHealth(pair, recorder);
        }
        failOverIfPrimaryFailed(pair);
      }
      driveOpenFailovers();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("redundancy pass failed, trying again at the next health check: {}", e.toString());
    }
  }

  /**
   * Swaps the roles back by hand: allowed when the pair's failback policy is manual and both recorders are
   * healthy. The failover it opens is driven like any other.
   *
   * @throws FailbackRefusedException when there is no such pair (404) or the failback is not allowed now (409)
   */
  public FailoverView failback(String pairName) throws SQLException {
    PairView pair = database.pairs().stream().filter(p -> p.name().equals(pairName)).findFirst()
        .orElseThrow(() -> new FailbackRefusedException(404, "no pair '" + pairName + "'"));
    if (!"manual".equals(pair.failbackPolicy())) {
      throw new FailbackRefusedException(409, "pair '" + pairName + "' has failback policy '" + pair.failbackPolicy()
          + "'; a failback by hand needs 'manual'");
    }
    RecorderView primary = member(pair, Role.PRIMARY).orElseThrow(() -> notBoth(pairName));
    RecorderView secondary = member(pair, Role.SECONDARY).orElseThrow(() -> notBoth(pairName));
    if (!probe.healthy(primary.serial()) || !probe.healthy(secondary.serial())) {
      throw notBoth(pairName);
    }
    FailoverView failback = database.beginFailover(pairName, "FAILBACK", Integer.parseInt(primary.serial()),
        Integer.parseInt(secondary.serial()), clock.instant())
        .orElseThrow(() -> new FailbackRefusedException(409, "the roles of pair '" + pairName + "' changed meanwhile"));
    LOG.info("failback of pair {} from {} to {} at epoch {}", pairName, primary.serial(), secondary.serial(),
        failback.epoch());
    driveOpenFailovers();
    return failback;
  }

  private static FailbackRefusedException notBoth(String pairName) {
    return new FailbackRefusedException(409, "a failback of pair '" + pairName + "' needs both recorders healthy");
  }

  private void noteHealth(PairView pair, RecorderView recorder) throws SQLException {
    String serial = recorder.serial();
    boolean failed = probe.failed(serial);
    boolean healthy = probe.healthy(serial);
    Boolean wasDown = downBySerial.get(serial);
    if (failed && !Boolean.TRUE.equals(wasDown)) {
      downBySerial.put(serial, true);
      database.appendEvent("RECORDER_DOWN", pair.name(), details(recorder));
      LOG.warn("recorder {} ({} of pair {}, {}) is down", serial, recorder.position(), pair.name(), recorder.role());
    } else if (healthy && !Boolean.FALSE.equals(wasDown)) {
      downBySerial.put(serial, false);
      // A recorder first seen healthy was never reported down: nothing to say.
      if (wasDown != null) {
        database.appendEvent("RECORDER_UP", pair.name(), details(recorder));
        LOG.info("recorder {} ({} of pair {}) is up again", serial, recorder.position(), pair.name());
      }
    }
  }

  private void failOverIfPrimaryFailed(PairView pair) throws SQLException {
    Optional<RecorderView> primary = member(pair, Role.PRIMARY);
    Optional<RecorderView> secondary = member(pair, Role.SECONDARY);
    if (primary.isEmpty() || secondary.isEmpty() || !probe.failed(primary.get().serial())
        || !probe.healthy(secondary.get().serial())) {
      return;
    }
    database.beginFailover(pair.name(), "FAILOVER", Integer.parseInt(primary.get().serial()),
        Integer.parseInt(secondary.get().serial()), clock.instant())
        .ifPresent(failover -> LOG.warn("primary {} of pair {} failed: failing over to {} at epoch {}",
            failover.fromSerial(), failover.pair(), failover.toSerial(), failover.epoch()));
  }

  private synchronized void driveOpenFailovers() throws SQLException {
    if (closed) {
      return;
    }
    for (FailoverView failover : database.openFailovers()) {
      drivers.computeIfAbsent(failover.id(), id -> Thread.ofVirtual().name("failover-" + id).start(
          new FailoverDriver(database, clients, failover, retryDelay, () -> drivers.remove(id))));
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
