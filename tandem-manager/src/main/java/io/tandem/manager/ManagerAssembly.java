package io.tandem.manager;

import io.tandem.admin.RecorderClients;
import io.tandem.archive.ArchiveTargets;
import io.tandem.database.CallDatabase;
import io.tandem.database.RecorderChanges;
import io.tandem.media.MediaFiles;
import io.tandem.notification.Notifier;
import io.tandem.redundancy.HealthProbe;
import io.tandem.redundancy.Leadership;
import io.tandem.redundancy.RedundancyController;
import io.tandem.replay.MediaReplay;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Recorder Manager put together: from its config and the call database it builds the parts that run on their
 * own (the health probe of every registered recorder, told by the call database when the recorders change, the
 * Recorder Redundancy Controller that acts on it, the notifier that pushes every event to the notification
 * targets, the merge pass of interactions that two recorders created for one conversation, the live feed of the
 * console) and the parts that answer requests (replay, forwarded jobs, metrics), and hands them all to the HTTP
 * layer, {@link RecorderManager}. It alone starts and stops them. Every part reads time from one clock, the call
 * database's. The caller keeps the database and closes it after {@link #stop}. Thread-safe; start once, stop once.
 *
 * <p>Any number of Managers may run on one call database; the one holding the RRC lease acts ({@link Leadership}).
 * Only it runs what must run once: the RRC's passes (events, alarms, heartbeats, failover, failback, the drivers
 * of open failovers), the notifier's deliveries (two would deliver each event twice), the merge pass and the search
 * index pass (two would work the same rows at once). On every Manager: the health probe (a standby keeps watching,
 * so that it acts at once on what it saw when it takes over), the live feed and every read of the API.
 */
public final class ManagerAssembly implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagerAssembly.class);
  /** How long an order or read sent to a recorder waits for its answer. */
  private static final Duration RECORDER_TIMEOUT = Duration.ofSeconds(5);
  /** How long the merge pass waits after one pass before the next. */
  private static final Duration MERGE_DELAY = Duration.ofSeconds(2);
  /** How long the search index pass rests once the queue is empty. */
  private static final Duration SEARCH_INDEX_PAUSE = Duration.ofMillis(500);
  /** How often the live feed looks for what changed, while a console is connected. */
  private static final Duration LIVE_INTERVAL = Duration.ofMillis(500);

  private final ManagerConfig config;
  private final RecorderClients clients;
  /**
   * The health watches' own clients, so that the beats of every recorder do not share one connection pool and
   * selector thread with replay fetches, job orders and promotions, whose large or slow answers could hold them up.
   */
  private final RecorderClients beatClients;
  private final HealthProbe probe;
  private final RecorderChanges recorderChanges;
  private final RedundancyController redundancy;
  private final Notifier notifier;
  private final InteractionMergePass merges;
  private final SearchIndexPass searchIndex;
  private final CallMonthsPass months;
  private final LiveFeed live;
  private final Leadership leadership;
  private final RecorderManager http;
  private final ArchiveTargets archive;

  public ManagerAssembly(ManagerConfig config, CallDatabase database) {
    this.config = Objects.requireNonNull(config, "config");
    Clock clock = Objects.requireNonNull(database, "database").clock();
    this.clients = new RecorderClients(RECORDER_TIMEOUT, config.recorderTrust(), config.managerSecret());
    this.archive = ArchiveTargets.of(MediaFiles.of(config.mediaKeys(), false), config.archiveMounts(),
        config.s3Targets(), clock);
    MediaReplay replay = new MediaReplay(clients, archive);
    this.beatClients = new RecorderClients(RECORDER_TIMEOUT, config.recorderTrust(), config.managerSecret());
    this.probe = new HealthProbe(database::pairs, beatClients, config.healthInterval(), config.healthMisses(),
        config.healthStartupGrace());
    this.leadership = new Leadership(Leadership.storeOf(database.controllerLease()), () -> config.publicUrl(port()),
        config.leaderLease(), System::nanoTime);
    this.redundancy = new RedundancyController(database, probe, clients, config.healthInterval(),
        config.notifications().heartbeatInterval(), clock, leadership);
    probe.afterEachPoll(redundancy::tick);
    this.recorderChanges = database.recorderChanges(probe::recordersChanged);
    probe.hearChangesFrom(recorderChanges::listening);
    ManagerMetrics metrics = new ManagerMetrics(database, probe, leadership);
    ForwardedJobs jobs = new ForwardedJobs(database::pairs, clients);
    this.notifier = new Notifier(database, config.notifications(), metrics.registry(), clock);
    this.live = new LiveFeed(database, () -> PairStatus.all(database, probe, leadership), LIVE_INTERVAL, clock);
    this.merges = new InteractionMergePass(database, MERGE_DELAY, leadership::acting);
    this.searchIndex = new SearchIndexPass(database, SEARCH_INDEX_PAUSE, leadership::acting);
    this.months = new CallMonthsPass(database, config.callRetention(), jobs::pendingMarking, leadership::acting,
        clock, metrics.registry());
    this.http = new RecorderManager(config, new ManagerParts(database, probe, redundancy, metrics, replay, jobs,
        notifier, live, leadership, months, clock));
    leadership.listener(new Leadership.Listener() {
      @Override
      public void started(long epoch) {
        LOG.info("this Recorder Manager holds the RRC lease at epoch {} and acts", epoch);
        notifier.resume();
      }

      @Override
      public void stopped(String why) {
        LOG.warn("this Recorder Manager stands by: {}", why);
        notifier.pause();
      }
    });
  }

  /** @throws io.tandem.config.ConfigException when a notification target of the config file clashes with the API's */
  public void start() {
    // Stands by until the lease is held: the targets are stored now, delivered to only while acting.
    notifier.pause();
    notifier.start();
    http.start();
    leadership.start();
    recorderChanges.start();
    probe.start();
    merges.start();
    searchIndex.start();
    months.start();
    live.start();
    LOG.info("Recorder Manager listening on {}://{}:{}", config.scheme(), config.bindHost(), port());
  }

  /** The port the API answers on, once started. */
  public int port() {
    return http.port();
  }

  /** Stops what runs on its own, then the API, then the recorder clients they share. */
  public void stop() {
    // Stops acting first, so that a standby may take over at once while the rest stops.
    leadership.close();
    live.close();
    merges.close();
    searchIndex.close();
    months.close();
    recorderChanges.close();
    probe.close();
    redundancy.close();
    notifier.close();
    http.stop();
    clients.close();
    beatClients.close();
    archive.close();
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Why the Manager is not ready yet, or empty when it is: the call database answers, and every pair has a
   * registered primary that answers its health checks and can capture.
   */
  public Optional<String> notReadyBecause() {
    return http.notReadyBecause();
  }

  /** Whether the recorder with this serial answers its health checks and can capture, as the RRC sees it. */
  /** Every route the HTTP server serves, as {@code "METHOD path"}, read from its router. */
  java.util.Set<String> servedRoutes() {
    return http.servedRoutes();
  }

  public boolean healthy(String serial) {
    return probe.healthy(serial);
  }

  /** Whether this Manager holds the RRC lease and acts now. */
  public boolean acting() {
    return leadership.acting();
  }
}
