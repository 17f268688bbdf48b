package io.tandem.notification;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.config.ConfigException;
import io.tandem.database.CallDatabase;
import io.tandem.database.EventView;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes every event of the event log to every notification target: those of the config file, made the stored
 * targets of source {@code config} at {@link #start}, and those added through the API, each delivered by a
 * {@link DeliveryLoop} of its own. Counts deliveries and failed attempts and measures each target's lag on the
 * Manager's metrics. Delivers only while not paused: a standby Recorder Manager stores its config's targets at
 * {@link #start} but delivers nothing until {@link #resume}, which starts each delivery after its stored mark, as
 * the Manager that delivered before left it. While delivering it reads the stored targets again every few
 * seconds, so that a target added or removed through another Manager's API is delivered to, or no longer, here
 * too. Thread-safe.
 */
public final class Notifier implements AutoCloseable {
  /** What {@link #remove} did. */
  public enum Removal { REMOVED, NO_SUCH_TARGET, DEFINED_IN_CONFIG }

  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  /** How often a target with nothing pending looks for new events. */
  private static final Duration IDLE = Duration.ofMillis(500);
  /** How often the stored targets are read again while delivering. */
  private static final Duration TARGETS_REREAD = Duration.ofSeconds(5);

  private final CallDatabase database;
  private final NotificationSettings settings;
  private final MeterRegistry registry;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String hostname = hostname();
  private final Map<Long, DeliveryWorker> workers = new ConcurrentHashMap<>();
  private final Map<Long, List<Meter>> meters = new ConcurrentHashMap<>();
  private Thread starter;
  private boolean closed;
  private boolean paused;
  private final ScheduledExecutorService reread = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("notify-targets").daemon().factory());

  public Notifier(CallDatabase database, NotificationSettings settings, MeterRegistry registry, Clock clock) {
    this.database = database;
    this.settings = settings;
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * Stores the targets of the config file and starts delivering to every stored target. While the call database
   * does not answer, this goes on trying in the background.
   *
   * @throws ConfigException when a target of the config file has the name of one added through the API
   */
  public synchronized void start() {
    reread.scheduleWithFixedDelay(this::rereadTargets, TARGETS_REREAD.toMillis(), TARGETS_REREAD.toMillis(),
        TimeUnit.MILLISECONDS);
    try {
      startAll();
    } catch (SQLException e) {
      LOG.warn("notification targets not started, the call database does not answer ({}); trying again",
          e.toString());
      starter = Thread.ofVirtual().name("notify-start").start(this::startWhenTheDatabaseAnswers);
    }
  }

  private void startWhenTheDatabaseAnswers() {
    while (true) {
      try {
        Thread.sleep(FIRST_RETRY);
        synchronized (this) {
          if (closed) {
            return;
          }
          startAll();
        }
        LOG.info("notification targets started");
        return;
      } catch (SQLException e) {
        LOG.debug("notification targets still not started: {}", e.toString());
      } catch (ConfigException e) {
        LOG.error("notification targets not started: {}", e.getMessage());
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void startAll() throws SQLException {
    List<NotificationTarget> targets;
    try {
      targets = database.notificationTargets().syncConfigured(settings.targets());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    targets.forEach(this::startDelivery);
  }

  public List<NotificationTarget> targets() throws SQLException {
    return database.notificationTargets().all();
  }

  /** Adds a target through the API and starts delivering to it; empty, adding nothing, when the name is taken. */
  public synchronized Optional<NotificationTarget> add(TargetSpec spec) throws SQLException {
    Optional<NotificationTarget> added = database.notificationTargets().add(spec);
    added.ifPresent(this::startDelivery);
    return added;
  }

  /** Removes a target added through the API and stops its delivery; one of the config file stays. */
  public synchronized Removal remove(long id) throws SQLException {
    Optional<NotificationTarget> target = database.notificationTargets().one(id);
    if (target.isEmpty()) {
      return Removal.NO_SUCH_TARGET;
    }
    if (target.get().source() == TargetSource.CONFIG) {
      return Removal.DEFINED_IN_CONFIG;
    }
    // Removed from the database first: a removal that fails leaves the target delivering, as stored.
    boolean removed = database.notificationTargets().remove(id);
    stopDelivery(id);
    return removed ? Removal.REMOVED : Removal.NO_SUCH_TARGET;
  }

  /** Stops every delivery until {@link #resume}; each resumes after its stored mark. */
  public synchronized void pause() {
    paused = true;
    workers.values().forEach(DeliveryWorker::signalStop);
    new ArrayList<>(workers.keySet()).forEach(this::stopDelivery);
  }

  /** Starts delivering to every stored target again, each after its stored mark. */
  public synchronized void resume() {
    paused = false;
    try {
      startAll();
    } catch (SQLException | ConfigException e) {
      LOG.warn("notification targets not resumed ({}); trying again at the next start", e.toString());
    }
  }

  /** Starts delivering to stored targets not delivered to yet, and stops those no longer stored. */
  private synchronized void rereadTargets() {
    if (closed || paused) {
      return;
    }
    try {
      List<NotificationTarget> stored = database.notificationTargets().all();
      stored.forEach(this::startDelivery);
      List<Long> ids = stored.stream().map(NotificationTarget::id).toList();
      new ArrayList<>(workers.keySet()).stream().filter(id -> !ids.contains(id)).forEach(this::stopDelivery);
    } catch (SQLException | RuntimeException e) {
      LOG.debug("notification targets not read again: {}", e.toString());
    }
  }

  private void startDelivery(NotificationTarget target) {
    if (closed || paused || workers.containsKey(target.id())) {
      return;
    }
    DeliveryLoop loop = new DeliveryLoop(target.id(), target.name(), target.lastEventId(), new DatabaseFeed(),
        sender(target.spec().endpoint()), new Backoff(FIRST_RETRY, settings.retryMax()), IDLE, clock);
    workers.put(target.id(), new DeliveryWorker(loop).start());
    meters.put(target.id(), register(loop));
    LOG.info("notification target {} ({} {}): delivering the events after {}", target.name(),
        target.source().word(), target.spec().endpoint(), target.lastEventId());
  }

  private void stopDelivery(long id) {
    DeliveryWorker worker = workers.remove(id);
    if (worker != null) {
      worker.stop();
    }
    List<Meter> gone = meters.remove(id);
    if (gone != null) {
      gone.forEach(registry::remove);
    }
  }

  private EventSender sender(Endpoint endpoint) {
    return switch (endpoint) {
      case WebhookEndpoint webhook -> new WebhookSender(http, webhook, clock);
      case SyslogEndpoint syslog -> new SyslogSender(syslog, hostname, ProcessHandle.current().pid());
    };
  }

  private List<Meter> register(DeliveryLoop loop) {
    List<Meter> registered = new ArrayList<>();
    registered.add(FunctionCounter.builder("tandem.notifications.delivered", loop, DeliveryLoop::deliveredCount)
        .description("events delivered to a notification target").tag("target", loop.name()).register(registry));
    registered.add(FunctionCounter.builder("tandem.notifications.failed", loop, DeliveryLoop::failedCount)
        .description("failed attempts to deliver an event to a notification target").tag("target", loop.name())
        .register(registry));
    registered.add(Gauge.builder("tandem.notification.lag.seconds", loop,
            l -> Math.max(0, l.lag().toMillis()) / 1000.0)
        .description("how long the oldest event not yet delivered to a notification target has waited")
        .tag("target", loop.name()).register(registry));
    registered.add(Gauge.builder("tandem.notification.lag.events", loop, this::eventsBehind)
        .description("events appended and not yet delivered to a notification target").tag("target", loop.name())
        .register(registry));
    return registered;
  }

  private double eventsBehind(DeliveryLoop loop) {
    try {
      return Math.max(0, database.lastEventId() - loop.mark());
    } catch (SQLException e) {
      return Double.NaN;
    }
  }

  /** Stops every delivery; each resumes after its stored mark at the next start. */
  @Override
  public void close() {
    reread.shutdownNow();
    synchronized (this) {
      closed = true;
      if (starter != null) {
        starter.interrupt();
      }
    }
    // Every loop is told first, so that they end their attempts together rather than one after the other.
    workers.values().forEach(DeliveryWorker::signalStop);
    new ArrayList<>(workers.keySet()).forEach(this::stopDelivery);
    http.close();
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | SecurityException e) {
      return "-";
    }
  }

  /** The call database as a delivery's source of events and keeper of its mark. */
  private final class DatabaseFeed implements DeliveryLoop.EventFeed {
    @Override
    public List<EventView> eventsAfter(long id, int limit) throws SQLException {
      return database.eventsAfter(id, limit);
    }

    @Override
    public void delivered(long targetId, long eventId) throws SQLException {
      database.notificationTargets().delivered(targetId, eventId);
    }
  }
}
