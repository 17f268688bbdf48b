package io.tandem.redundancy;

import io.tandem.admin.BeatStream;
import io.tandem.admin.RecorderClient;
import io.tandem.admin.RecorderException;
import io.tandem.admin.RecorderHealth;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one recorder, from a connection of beats kept open to it ({@code GET /api/beats}). A reader
 * thread takes each beat as it comes; a watcher thread, this recorder's own timer, reconnects when the connection
 * ends and looks every check period for a beat. The recorder is declared failed when a lost connection cannot be
 * opened again in {@code misses} tries in a row (a dead process refuses at once), or when no beat came for the
 * silence it is allowed ({@link SilenceAllowance}: the silence limit, longer for a recorder that was slow in the last
 * minute) and one reconnection try gets no answer either (a frozen process or a cut link), or while its last
 * beat says it cannot capture, or while the recorder that answers at its address names another serial. A recorder
 * not yet seen (no beat since this watch started) is not declared failed by refused connections until the start-up
 * grace has passed since the watch started: at a start, the Manager's watches begin before the recorders' processes
 * listen. Once seen, it is handled as above from then on. A beat of its own, on the old connection or a new one,
 * makes it healthy again. Other
 * recorders' checks never wait for this one. State reads are thread-safe; {@code onChange} runs on this
 * recorder's threads whenever healthy or failed may have changed.
 */
final class RecorderWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RecorderWatch.class);

  private final String serial;
  private final RecorderClient client;
  private final BeatTiming timing;
  private final Duration startupGrace;
  private final Runnable onChange;
  /** Released when the connection ends, so the watcher reconnects at once instead of at its next check. */
  private final Semaphore lost = new Semaphore(0);
  private final AtomicLong beats = new AtomicLong();
  private final SilenceAllowance allowance;
  /** The allowance last logged, on the watcher's thread only. */
  private long allowanceLogged;
  private volatile long lastBeatNanos;
  /** When the last connection was answered, and the beats read by then: the watch's own thread only. */
  private long answeredNanos;
  private long beatsAtAnswer;
  private volatile RecorderHealth lastHealth;
  private volatile boolean declaredFailed;
  private volatile BeatStream stream;
  private volatile boolean closed;
  private volatile long startedNanos;
  private boolean graceLogged;
  private final Thread watcher;

  RecorderWatch(String serial, RecorderClient client, BeatTiming timing, Duration startupGrace, Runnable onChange) {
    this.serial = serial;
    this.client = client;
    this.timing = timing;
    this.startupGrace = startupGrace;
    this.onChange = onChange;
    this.allowance = new SilenceAllowance(timing.silenceLimit());
    this.allowanceLogged = timing.silenceLimit().toNanos();
    this.watcher = Thread.ofVirtual().name("health-watch-" + serial).unstarted(this::watch);
  }

  void start() {
    startedNanos = System.nanoTime();
    watcher.start();
  }

  String adminUrl() {
    return client.url();
  }

  /** Not seen yet: no beat since this watch started. */
  boolean notYetSeen() {
    return beats.get() == 0;
  }

  /** Answered since this watch started, not declared failed since, and able to capture by its last beat. */
  boolean healthy() {
    RecorderHealth health = lastHealth;
    return health != null && !declaredFailed && health.capturing();
  }

  /** Declared failed (lost or silent, as the class says), or unable to capture by its last beat. */
  boolean failed() {
    RecorderHealth health = lastHealth;
    return declaredFailed || health != null && !health.capturing();
  }

  /** How long it may be silent now before a reconnection try that can declare it failed. */
  Duration silenceAllowed() {
    return allowance.allowed(System.nanoTime());
  }

  /** The alarms of its last beat; null when it never sent one. */
  List<String> alarms() {
    RecorderHealth health = lastHealth;
    return health == null ? null : health.alarms();
  }

  private void watch() {
    int failedTries = 0;
    while (!closed) {
      if (connect()) {
        failedTries = 0;
        // A loss is tried again at once; a recorder declared silent is tried again as well, at once.
        followUntilLost();
        continue;
      }
      failedTries++;
      if (failedTries >= timing.misses() && !withinStartupGrace()) {
        declareFailed("its admin API could not be reached in " + failedTries + " tries in a row");
      }
      pause(failedTries >= timing.misses() ? timing.checkPeriod() : timing.retrySpacing());
    }
  }

  /**
   * True while the recorder has sent no beat since this watch started and the start-up grace has not passed: a
   * recorder process that does not listen yet refuses exactly as a dead one does.
   */
  private boolean withinStartupGrace() {
    if (beats.get() > 0 || System.nanoTime() - startedNanos >= startupGrace.toNanos()) {
      return false;
    }
    if (!graceLogged) {
      graceLogged = true;
      LOG.info("recorder {} at {} not yet seen; not declared failed before the start-up grace of {} s has passed",
          serial, client.url(), startupGrace.toSeconds());
    }
    return true;
  }

  /** Opens a new connection of beats; true when the recorder answered it. */
  private boolean connect() {
    BeatStream opened;
    try {
      opened = client.beats(timing.beatInterval(), timing.reconnectWait());
    } catch (RecorderException e) {
      LOG.debug("beats of recorder {} at {}: {}", serial, client.url(), e.getMessage());
      return false;
    }
    BeatStream previous = stream;
    // The recorder answered now: its silence counts from here.
    lastBeatNanos = System.nanoTime();
    answeredNanos = lastBeatNanos;
    beatsAtAnswer = beats.get();
    stream = opened;
    lost.drainPermits();
    if (previous != null) {
      previous.close();
    }
    if (closed) {
      opened.close();
      return false;
    }
    Thread.ofVirtual().name("health-beats-" + serial).start(() -> read(opened));
    return true;
  }

  private void read(BeatStream from) {
    try {
      while (!closed) {
        RecorderHealth health = from.next();
        if (from != stream) {
          // A connection replaced or dropped: what it still brings is stale.
          return;
        }
        if (health.serial() != null && !serial.equals(health.serial())) {
          // Another recorder now listens at this address (a host re-addressed, a port taken by another process
          // after this one died): its beats say nothing of this recorder. The connection stays open but is not
          // believed, so the silence limit tries the address again now and then.
          declareFailed("the recorder answering at " + client.url() + " is " + health.serial() + ", not " + serial);
          return;
        }
        beat(health);
      }
    } catch (RuntimeException e) {
      // Whatever ended the reading, the connection is of no more use: the watcher must know at once.
      if (from == stream && !closed) {
        LOG.info("recorder {}: {}; trying a new connection", serial, e.getMessage());
        lost.release();
      }
    }
  }

  private void beat(RecorderHealth health) {
    RecorderHealth before = lastHealth;
    boolean wasFailed = declaredFailed;
    long now = System.nanoTime();
    allowance.cameBackAfter(now, now - lastBeatNanos);
    lastBeatNanos = now;
    beats.incrementAndGet();
    lastHealth = health;
    declaredFailed = false;
    if (wasFailed) {
      LOG.info("recorder {} at {} beats again", serial, client.url());
    }
    if (wasFailed || before == null || before.capturing() != health.capturing()
        || !before.alarms().equals(health.alarms())) {
      onChange.run();
    }
  }

  /**
   * Checks the open connection every check period until it ends, or until a silent recorder was declared failed
   * after a reconnection try that failed as well.
   */
  private void followUntilLost() {
    long checkPeriod = timing.checkPeriod().toNanos();
    // A check that comes late counts as one and a half at most: see silence below.
    long mostPerCheck = checkPeriod + checkPeriod / 2;
    long lastCheck = System.nanoTime();
    long beatSeen = lastBeatNanos;
    long silentNanos = lastCheck - beatSeen;
    while (!closed) {
      if (waitForLoss(timing.checkPeriod())) {
        return;
      }
      long now = System.nanoTime();
      long beat = lastBeatNanos;
      if (beat != beatSeen) {
        beatSeen = beat;
        silentNanos = now - beat;
      } else {
        // Silence is counted as this watch saw it: a check that this Manager itself held up (its own collector,
        // or a machine too busy to run it) adds no more than one and a half checks, since the beats may be
        // waiting unread behind the same hold-up. A Manager late at every check still declares after a few.
        silentNanos += Math.min(now - lastCheck, mostPerCheck);
      }
      lastCheck = now;
      long allowed = allowance.allowedNanos(now);
      logIfChanged(allowed);
      // Counted or not, a silence of the most ever allowed is long enough: a Manager held up for seconds may not
      // discount a hang that long.
      boolean tooLong = now - beatSeen >= allowance.mostNanos();
      if ((silentNanos >= allowed || tooLong) && !survivesReconnection()) {
        declareFailed("no beat for " + TimeUnit.NANOSECONDS.toMillis(now - beatSeen) + " ms (" + TimeUnit.NANOSECONDS
            .toMillis(silentNanos) + " ms of it counted, " + TimeUnit.NANOSECONDS.toMillis(allowed)
            + " ms allowed) and no answer to a new connection within " + timing.reconnectWait().toMillis() + " ms");
        // From here only a new connection brings it back: one stream at a time, so that no stale beat that
        // arrives late on this one can clear a failure that the next tries confirm.
        dropStream();
        return;
      }
    }
  }

  /** Says when the silence allowed moves by a check period or more, so that the log explains a late failure. */
  private void logIfChanged(long allowed) {
    if (Math.abs(allowed - allowanceLogged) < timing.checkPeriod().toNanos()) {
      return;
    }
    long limit = timing.silenceLimit().toNanos();
    if (allowed > limit) {
      LOG.info("recorder {} came back from long silences in the last minute: it may now be silent for {} ms before a "
          + "reconnection try, twice its longest (the limit is {} ms, at most {} times that)", serial,
          TimeUnit.NANOSECONDS.toMillis(allowed), TimeUnit.NANOSECONDS.toMillis(limit), SilenceAllowance.MOST_LIMITS);
    } else {
      LOG.info("recorder {} beat on time for a minute: the silence allowed is back to {} ms", serial,
          TimeUnit.NANOSECONDS.toMillis(limit));
    }
    allowanceLogged = allowed;
  }

  /**
   * One reconnection try before a silent recorder is declared failed: a loaded machine or a pause of this Manager
   * may have held the beats back, and any beat that arrives meanwhile, or an answer to the new connection, clears it.
   */
  private boolean survivesReconnection() {
    long before = beats.get();
    long lastBeat = lastBeatNanos;
    boolean answered = connect();
    // It came back: its silence ran until the answer, unless a beat on the old connection ended it before (that beat
    // was counted as it came). The new connection's first beat may be read before this line, so what counts is the
    // beats at the answer, not now: that first beat's silence runs from the answer, and would hide the one before.
    if (answered && beatsAtAnswer == before) {
      allowance.cameBackAfter(answeredNanos, answeredNanos - lastBeat);
    }
    return answered || beats.get() != before;
  }

  private boolean waitForLoss(Duration wait) {
    try {
      return lost.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      closed = true;
      return false;
    }
  }

  private void pause(Duration wait) {
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      closed = true;
    }
  }

  private void declareFailed(String why) {
    if (declaredFailed || closed) {
      return;
    }
    declaredFailed = true;
    LOG.warn("recorder {} at {} declared failed: {}", serial, client.url(), why);
    onChange.run();
  }

  private void dropStream() {
    BeatStream open = stream;
    stream = null;
    if (open != null) {
      open.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
    dropStream();
  }
}
