package io.tandem.redundancy;

import io.tandem.admin.JobState;
import io.tandem.admin.JobView;
import io.tandem.admin.RecorderClient;
import io.tandem.admin.RecorderClients;
import io.tandem.call.Role;
import io.tandem.database.CallDatabase;
import io.tandem.database.FailoverView;
import io.tandem.database.LeaderFence;
import io.tandem.database.LeaseLostException;
import io.tandem.database.PairView;
import io.tandem.database.PromotionTally;
import io.tandem.database.RecorderView;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one open failover to its end: hands the new primary its role and epoch, orders the promotion of
 * the window, follows the job, then closes the failover with the figures the call database shows (which
 * appends its event, once). Every step is idempotent, so a failure anywhere is repaired by starting over
 * after a delay, by this driver or by the driver of a Recorder Manager started since. Ends when the
 * failover is no longer open, when this Manager no longer acts (the acting one drives it), or when interrupted;
 * its close is fenced by the RRC lease, and one refused ends this Manager's acting at once. Runs on a thread of its
 * own.
 */
final class FailoverDriver implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverDriver.class);
  /** How often a running promotion job is looked at. */
  private static final Duration JOB_POLL = Duration.ofMillis(50);

  private final CallDatabase database;
  private final RecorderClients clients;
  private final FailoverView failover;
  private final Duration retryDelay;
  private final ActingLease lease;
  private final Runnable onEnd;

  FailoverDriver(CallDatabase database, RecorderClients clients, FailoverView failover, Duration retryDelay,
      ActingLease lease, Runnable onEnd) {
    this.lease = lease;
    this.database = database;
    this.clients = clients;
    this.failover = failover;
    this.retryDelay = retryDelay;
    this.onEnd = onEnd;
  }

  @Override
  public void run() {
    try {
      while (!attemptQuietly()) {
        Thread.sleep(retryDelay);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      onEnd.run();
    }
  }

  private boolean attemptQuietly() throws InterruptedException {
    Optional<LeaderFence> fence = lease.fence();
    if (fence.isEmpty()) {
      return true;
    }
    try {
      return attempt(fence.get());
    } catch (LeaseLostException e) {
      lease.lost(e);
      return true;
    } catch (SQLException | RuntimeException e) {
      LOG.warn("failover {} of pair {} to recorder {}: {}; trying again in {}", failover.id(), failover.pair(),
          failover.toSerial(), e.toString(), retryDelay);
      return false;
    }
  }

  /** True when the failover is no longer open: closed here, or elsewhere, or superseded. */
  private boolean attempt(LeaderFence fence) throws SQLException, InterruptedException, LeaseLostException {
    if (!stillOpen()) {
      return true;
    }
    RecorderClient recorder = clients.of(adminUrl(failover.toSerial()));
    recorder.role(Role.PRIMARY, failover.epoch());
    JobView started = recorder.promote(failover.epoch(), failover.windowFrom(), null, "rrc");
    if (!awaitJob(recorder, started.id())) {
      return false;
    }
    PromotionTally tally = database.promotionTally(failover);
    database.finishFailover(fence, failover.id(), tally).ifPresent(done -> LOG.info("{} of pair {} from {} to {} at epoch"
        + " {} done in {} ms: promoted {}, already present {}", done.kind(), done.pair(), done.fromSerial(),
        done.toSerial(), done.epoch(), done.durationMillis(), done.promoted(), done.alreadyPresent()));
    return true;
  }

  /** Follows the job to its end: true when DONE, false when it failed or its recorder forgot it. */
  private boolean awaitJob(RecorderClient recorder, String id) throws InterruptedException {
    while (true) {
      Optional<JobView> job = recorder.job(id);
      if (job.isEmpty()) {
        LOG.warn("recorder {} no longer knows promotion job {} (it restarted); ordering it again",
            failover.toSerial(), id);
        return false;
      }
      if (job.get().state() == JobState.DONE) {
        return true;
      }
      if (job.get().state() == JobState.FAILED) {
        LOG.warn("promotion job {} on recorder {} failed: {}", id, failover.toSerial(), job.get().error());
        return false;
      }
      Thread.sleep(JOB_POLL);
    }
  }

  private boolean stillOpen() throws SQLException {
    return database.openFailovers().stream().anyMatch(open -> open.id() == failover.id());
  }

  private String adminUrl(String serial) throws SQLException {
    for (PairView pair : database.pairs()) {
      for (RecorderView recorder : pair.recorders()) {
        if (recorder.serial().equals(serial)) {
          return recorder.adminUrl();
        }
      }
    }
    throw new IllegalStateException("recorder " + serial + " is not registered");
  }
}
