package io.tandem.redundancy;

import io.tandem.admin.RecorderClients;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every registered recorder through a connection of beats kept open to it, each on its own timer (see
 * {@link RecorderWatch} and {@link BeatTiming}): a recorder whose process dies is declared failed as soon as its
 * connection ends and cannot be opened again, one that freezes or whose link is cut once it has been silent for
 * {@code misses} checks (longer for a recorder that was slow in the last minute: {@link SilenceAllowance}) and a
 * reconnection try got no answer either, and one that reports that it cannot capture at its next beat. The
 * recorders to watch are kept in memory, read from the directory at start and again at once when told that they
 * changed ({@link #recordersChanged}); while changes are heard ({@link #hearChangesFrom}) they are read besides once
 * a minute only, otherwise once per interval (at most every 5 s); a read that fails is tried again each interval.
 * Always on the listener's thread, never on a recorder's checks. The listener, if any, runs on a thread of its own
 * right after any recorder's health changed, and at least once per interval; never two at once. Reading the state
 * is thread-safe.
 */
public final class HealthProbe implements HealthView, AutoCloseable {
  /** Where the recorders to watch come from; the call database's {@code pairs()} fits. */
  @FunctionalInterface
  public interface RecorderDirectory {
    List<PairView> pairs() throws SQLException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(HealthProbe.class);
  private static final Duration LONGEST_DIRECTORY_PERIOD = Duration.ofSeconds(5);
  /** While changes are heard, the directory is read this often all the same, in case one was missed. */
  static final Duration DIRECTORY_PERIOD_WHILE_HEARD = Duration.ofMinutes(1);

  private final RecorderDirectory directory;
  private final RecorderClients clients;
  private final Duration interval;
  private final BeatTiming timing;
  private final Duration startupGrace;
  private final Map<String, RecorderWatch> watches = new ConcurrentHashMap<>();
  /** Released at each change of a recorder's health, so the listener runs at once rather than at the interval. */
  private final Semaphore changed = new Semaphore(0);
  private final Thread listenerThread;
  private volatile Runnable afterPoll = () -> { };
  private volatile BooleanSupplier changesHeard = () -> false;
  /** Set when the recorders changed, so that the listener reads them again at its next pass. */
  private volatile boolean directoryChanged;
  private volatile boolean closed;

  /**
   * {@code interval} and {@code misses} are the Manager's {@code health.interval} and {@code health.misses}; the
   * timing of the beats and checks follows from them as {@link BeatTiming#of} says. {@code startupGrace} is
   * {@code health.startupGrace}: how long refused connections of a recorder not yet seen since its watch started do
   * not make it failed (see {@link RecorderWatch}).
   */
  public HealthProbe(RecorderDirectory directory, RecorderClients clients, Duration interval, int misses,
      Duration startupGrace) {
    this.directory = directory;
    this.clients = clients;
    this.interval = interval;
    this.timing = BeatTiming.of(interval, misses);
    this.startupGrace = Objects.requireNonNull(startupGrace, "startupGrace");
    this.listenerThread = Thread.ofPlatform().daemon().name("health-probe").unstarted(this::listen);
  }

  /**
   * Runs {@code listener} on the probe's own thread right after any recorder's health changed, and at least once
   * per interval; set it before {@link #start}.
   */
  public void afterEachPoll(Runnable listener) {
    this.afterPoll = listener;
  }

  /**
   * {@code heard} says whether the recorders' changes are heard now, and so told through
   * {@link #recordersChanged}; while it is true the directory is read once a minute besides, not once per interval.
   * Set before {@link #start}.
   */
  public void hearChangesFrom(BooleanSupplier heard) {
    this.changesHeard = Objects.requireNonNull(heard, "heard");
  }

  /** The registered recorders changed: read them again now, on the listener's thread. Any thread may call it. */
  public void recordersChanged() {
    directoryChanged = true;
    changed.release();
  }

  public void start() {
    listenerThread.start();
  }

  @Override
  public boolean healthy(String serial) {
    RecorderWatch watch = watches.get(serial);
    return watch != null && watch.healthy();
  }

  @Override
  public boolean failed(String serial) {
    RecorderWatch watch = watches.get(serial);
    return watch != null && watch.failed();
  }

  @Override
  public Optional<List<String>> reportedAlarms(String serial) {
    RecorderWatch watch = watches.get(serial);
    return watch == null ? Optional.empty() : Optional.ofNullable(watch.alarms());
  }

  /**
   * How long the recorder may be silent now before a reconnection try that can declare it failed (see
   * {@link SilenceAllowance}); empty when it is not watched.
   */
  public Optional<Duration> silenceAllowed(String serial) {
    RecorderWatch watch = watches.get(serial);
    return watch == null ? Optional.empty() : Optional.of(watch.silenceAllowed());
  }

  /** True while the recorder's watch has had no beat from it since it started (also when it is not watched). */
  public boolean notYetSeen(String serial) {
    RecorderWatch watch = watches.get(serial);
    return watch == null || watch.notYetSeen();
  }

  public long healthyCount() {
    return watches.keySet().stream().filter(this::healthy).count();
  }

  private void listen() {
    boolean read = false;
    long lastRead = 0;
    while (!closed) {
      long period = directoryPeriod().toNanos();
      if (!read || directoryChanged || System.nanoTime() - lastRead >= period) {
        // Cleared before reading: a change told during the read is read again at the next pass.
        directoryChanged = false;
        if (!readDirectory()) {
          // Not read: tried again at the next pass, an interval on, whether changes are heard or not.
          directoryChanged = true;
        }
        read = true;
        lastRead = System.nanoTime();
      }
      try {
        afterPoll.run();
      } catch (RuntimeException e) {
        LOG.warn("the health listener failed, carrying on: {}", e.toString());
      }
      try {
        long untilRead = Math.max(0, lastRead + period - System.nanoTime());
        changed.tryAcquire(Math.min(untilRead, interval.toNanos()), TimeUnit.NANOSECONDS);
        // Changes that came together are one pass.
        changed.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * A minute while changes are heard; else the interval, but at most 5 s: a long interval must not leave a newly
   * registered recorder unwatched.
   */
  private Duration directoryPeriod() {
    if (changesHeard.getAsBoolean()) {
      return DIRECTORY_PERIOD_WHILE_HEARD;
    }
    return interval.compareTo(LONGEST_DIRECTORY_PERIOD) < 0 ? interval : LONGEST_DIRECTORY_PERIOD;
  }

  /** Starts a watch for each recorder newly registered or moved, and ends those of recorders gone; false if unread. */
  private boolean readDirectory() {
    Map<String, String> urls = new HashMap<>();
    try {
      for (PairView pair : directory.pairs()) {
        for (RecorderView recorder : pair.recorders()) {
          urls.put(recorder.serial(), recorder.adminUrl());
        }
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("could not read the registered recorders, watching those known: {}", e.toString());
      return false;
    }
    for (Map.Entry<String, String> recorder : urls.entrySet()) {
      RecorderWatch known = watches.get(recorder.getKey());
      if (known == null || !known.adminUrl().equals(stripped(recorder.getValue()))) {
        watch(recorder.getKey(), recorder.getValue(), known);
      }
    }
    watches.keySet().removeIf(serial -> {
      if (urls.containsKey(serial)) {
        return false;
      }
      watches.get(serial).close();
      return true;
    });
    return true;
  }

  private void watch(String serial, String adminUrl, RecorderWatch replaced) {
    RecorderWatch watch;
    try {
      watch = new RecorderWatch(serial, clients.of(adminUrl), timing, startupGrace, changed::release);
    } catch (IllegalArgumentException e) {
      LOG.warn("recorder {} has an admin address that cannot be watched ({}): {}", serial, adminUrl, e.getMessage());
      return;
    }
    if (replaced != null) {
      replaced.close();
    }
    if (closed) {
      return;
    }
    watches.put(serial, watch);
    watch.start();
  }

  private static String stripped(String adminUrl) {
    return adminUrl.replaceAll("/+$", "");
  }

  @Override
  public void close() {
    closed = true;
    listenerThread.interrupt();
    watches.values().forEach(RecorderWatch::close);
  }
}
