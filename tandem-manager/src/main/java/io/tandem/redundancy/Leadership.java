package io.tandem.redundancy;

import io.tandem.database.ControllerLease;
import io.tandem.database.LeaderFence;
import io.tandem.database.LeaseLostException;
import io.tandem.database.LeaseView;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this Recorder Manager leads the Recorder Redundancy Controller, of all the Managers on one call database:
 * the one that holds the controller lease acts, the others watch and serve reads. A lease row rather than an
 * advisory lock: a lock held by a session is lost only when the server notices the session gone, which after a cut
 * link takes as long as TCP keep-alive (minutes), and its holder learns of the loss only at its next query; a lease
 * bounds both sides in time.
 *
 * <p>Every {@code step} (a sixth of the lease): the holder renews; a standby reads the lease and takes it when it
 * is free, or when it saw it unwritten for a whole lease on its own monotonic clock, by a write that succeeds only
 * if the lease is still as it saw it. The holder acts until two thirds of a lease after it SENT its last successful
 * renewal; a standby cannot take before a whole lease after it first SAW that renewal's write, which came after the
 * sending. So a holder that loses the database, or is paused, stops acting at least a third of a lease before
 * another can start, whatever the hosts' wall clocks say. {@link #acting} is thread-safe and cheap: every action
 * asks it right before it acts. A pause can still fall between that question and the write: so every acting write
 * is also fenced by the lease in its own transaction ({@link #fence}), and one refused ends acting at once
 * ({@link #lost}). The listener runs on this object's own thread, never two calls at once.
 */
public final class Leadership implements ActingLease, AutoCloseable {
  /** The lease as the call database keeps it; the call database's {@code controllerLease()} fits. */
  public interface LeaseStore {
    LeaseView read() throws SQLException;

    OptionalLong take(String holderId, String holderUrl, long seenRenewals) throws SQLException;

    boolean renew(String holderId, long epoch) throws SQLException;

    boolean release(String holderId, long epoch) throws SQLException;
  }

  /** The call database's lease as the store of a leadership. */
  public static LeaseStore storeOf(ControllerLease lease) {
    return new LeaseStore() {
      @Override
      public LeaseView read() throws SQLException {
        return lease.read();
      }

      @Override
      public OptionalLong take(String holderId, String holderUrl, long seenRenewals) throws SQLException {
        return lease.take(holderId, holderUrl, seenRenewals);
      }

      @Override
      public boolean renew(String holderId, long epoch) throws SQLException {
        return lease.renew(holderId, epoch);
      }

      @Override
      public boolean release(String holderId, long epoch) throws SQLException {
        return lease.release(holderId, epoch);
      }
    };
  }

  /** Told when this Manager starts and stops acting. */
  public interface Listener {
    void started(long epoch);

    void stopped(String why);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final LeaseStore store;
  private final String id = UUID.randomUUID().toString();
  private final Supplier<String> url;
  private final long leaseNanos;
  private final long actNanos;
  private final Duration stepPeriod;
  private final LongSupplier nanoTime;
  private final Thread thread;
  private volatile Listener listener = new Listener() {
    @Override
    public void started(long epoch) { }

    @Override
    public void stopped(String why) { }
  };
  /** The epoch of the lease this Manager holds, or 0. */
  private volatile long heldEpoch;
  /** While held: acting until this instant of {@link #nanoTime}. */
  private volatile long actUntil;
  private volatile String leaderUrl;
  private long seenRenewals = -1;
  private long seenSince;
  private boolean toldActing;
  private volatile boolean closed;
  /** Orders {@link #lost} calls, so that a lost lease is dropped and logged once. */
  private final Object lossLock = new Object();

  /**
   * {@code url} is where this Manager answers, shown to others as the leader's (asked once it is started: the port is
   * known only once the API listens); {@code lease} is {@code leader.lease}; {@code nanoTime} the monotonic clock
   * ({@code System::nanoTime} but in tests).
   */
  public Leadership(LeaseStore store, Supplier<String> url, Duration lease, LongSupplier nanoTime) {
    this.store = Objects.requireNonNull(store, "store");
    this.url = Objects.requireNonNull(url, "url");
    if (lease.toMillis() < 60) {
      throw new IllegalArgumentException("the lease must be at least 60ms, got " + lease);
    }
    this.leaseNanos = lease.toNanos();
    this.actNanos = leaseNanos * 2 / 3;
    this.stepPeriod = lease.dividedBy(6);
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.thread = Thread.ofPlatform().daemon().name("rrc-leadership").unstarted(this::run);
  }

  /** Set before {@link #start}. */
  public void listener(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public void start() {
    thread.start();
  }

  /** True while this Manager holds the lease and is within its time to act. */
  public boolean acting() {
    return heldEpoch != 0 && nanoTime.getAsLong() - actUntil < 0;
  }

  /** The fence of the lease held, while acting. */
  @Override
  public Optional<LeaderFence> fence() {
    long epoch = heldEpoch;
    return epoch != 0 && acting() ? Optional.of(new LeaderFence(id, epoch)) : Optional.empty();
  }

  /** Stops acting at once when the refused write was made under the lease still held; the next step stands by. */
  @Override
  public void lost(LeaseLostException refusal) {
    LeaderFence refused = refusal.fence();
    synchronized (lossLock) {
      if (!refused.holderId().equals(id) || heldEpoch != refused.epoch()) {
        return;
      }
      heldEpoch = 0;
      leaderUrl = refusal.currentHolderUrl();
    }
    LOG.warn("stopped acting at once: a write of the RRC was refused and nothing of it written, {}",
        refusal.getMessage());
  }

  /**
   * The URL of the Manager that leads, as last seen: this one's while it acts; empty when none was seen, and while
   * this one's own lease ran out and the lease was not read since (after a pause, say), since then it cannot know.
   */
  public Optional<String> leaderUrl() {
    if (acting()) {
      return Optional.of(url.get());
    }
    String seen = leaderUrl;
    return seen == null || seen.equals(url.get()) ? Optional.empty() : Optional.of(seen);
  }

  /** One round: the holder renews, a standby looks and takes when it may; then the listener hears of a change. */
  synchronized void step() {
    if (closed) {
      return;
    }
    if (heldEpoch != 0) {
      renew();
    } else {
      lookAndTake();
    }
    tellListener();
  }

  private void renew() {
    long sent = nanoTime.getAsLong();
    try {
      if (store.renew(id, heldEpoch)) {
        actUntil = sent + actNanos;
        leaderUrl = url.get();
      } else {
        LOG.warn("the RRC lease at epoch {} was taken by another Manager: standing by", heldEpoch);
        heldEpoch = 0;
      }
    } catch (SQLException | RuntimeException e) {
      // Acting ends by itself at its time; a renewal that gets through before another takes the lease goes on.
      LOG.warn("the RRC lease could not be renewed ({}); acting for {} ms more at most", e.toString(),
          Math.max(0, (actUntil - nanoTime.getAsLong()) / 1_000_000));
    }
  }

  private void lookAndTake() {
    LeaseView seen;
    try {
      seen = store.read();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("the RRC lease could not be read: {}", e.toString());
      return;
    }
    // Read after the answer came: no earlier than the write it shows.
    long seenAt = nanoTime.getAsLong();
    leaderUrl = seen.holderUrl();
    if (seen.renewals() != seenRenewals) {
      seenRenewals = seen.renewals();
      seenSince = seenAt;
    }
    if (seen.held() && seenAt - seenSince < leaseNanos) {
      return;
    }
    long sent = nanoTime.getAsLong();
    try {
      OptionalLong taken = store.take(id, url.get(), seenRenewals);
      if (taken.isPresent()) {
        actUntil = sent + actNanos;
        heldEpoch = taken.getAsLong();
        leaderUrl = url.get();
        LOG.info("took the RRC lease at epoch {}{}", heldEpoch, seen.held() ? " from " + seen.holderUrl()
            + ", silent for " + (seenAt - seenSince) / 1_000_000 + " ms" : "");
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debug("the RRC lease could not be taken: {}", e.toString());
    }
  }

  private void tellListener() {
    boolean acting = acting();
    if (acting == toldActing) {
      return;
    }
    toldActing = acting;
    try {
      if (acting) {
        listener.started(heldEpoch);
      } else {
        listener.stopped(heldEpoch == 0 ? "another Manager holds the lease" : "the lease could not be renewed");
      }
    } catch (RuntimeException e) {
      LOG.warn("the leadership listener failed, carrying on: {}", e.toString());
    }
  }

  private void run() {
    while (!closed) {
      step();
      try {
        Thread.sleep(stepPeriod);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops acting, then gives the lease up, so that a standby takes it at once rather than after a lease. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    synchronized (this) {
      long epoch = heldEpoch;
      heldEpoch = 0;
      if (toldActing) {
        toldActing = false;
        listener.stopped("this Manager stops");
      }
      if (epoch != 0) {
        try {
          store.release(id, epoch);
        } catch (SQLException | RuntimeException e) {
          LOG.info("the RRC lease could not be given up ({}); another Manager takes it after it expires",
              e.toString());
        }
      }
    }
  }
}
