package io.tandem.redundancy;

import io.tandem.admin.RecorderClients;
import io.tandem.admin.RecorderException;
import io.tandem.admin.RecorderHealth;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls {@code GET {adminUrl}/health} of every registered recorder each interval. A recorder is
 * healthy once it has answered 2xx and until it misses {@code misses} consecutive polls (no answer
 * within the interval, or an answer other than 2xx). It is failed once it has missed {@code misses}
 * polls in a row (whether or not it ever answered), or as soon as it reports that it cannot capture (503,
 * or {@code "capturing": false}). The alarms a recorder lists in its answer are kept until its next answer.
 * After each round of polls the listener, if any, runs on the polling thread. Polling runs on one thread of its
 * own; reading the state is thread-safe.
 */
public final class HealthProbe implements HealthView, AutoCloseable {
  /** Where the recorders to poll come from; the call database's {@code pairs()} fits. */
  @FunctionalInterface
  public interface RecorderDirectory {
    List<PairView> pairs() throws SQLException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(HealthProbe.class);

  private final RecorderDirectory directory;
  private final RecorderClients clients;
  private final Duration interval;
  private final int misses;
  private final ExecutorService polls = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Integer> missesBySerial = new ConcurrentHashMap<>();
  /** Recorders that answered at least once: one that never did is not healthy, whatever its misses. */
  private final java.util.Set<String> answered = ConcurrentHashMap.newKeySet();
  private final Set<String> incapable = ConcurrentHashMap.newKeySet();
  private final Map<String, List<String>> alarmsBySerial = new ConcurrentHashMap<>();
  private volatile Runnable afterPoll = () -> { };
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "health-probe");
    thread.setDaemon(true);
    return thread;
  });

  public HealthProbe(RecorderDirectory directory, RecorderClients clients, Duration interval, int misses) {
    this.directory = directory;
    this.clients = clients;
    this.interval = interval;
    this.misses = misses;
  }

  /** Runs {@code listener} on the polling thread after every round of polls; set it before {@link #start}. */
  public void afterEachPoll(Runnable listener) {
    this.afterPoll = listener;
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True when the recorder answered and has not missed {@code misses} polls in a row since. */
  @Override
  public boolean healthy(String serial) {
    Integer missed = missesBySerial.get(serial);
    return answered.contains(serial) && missed != null && missed < misses && !incapable.contains(serial);
  }

  /** True when the recorder missed {@code misses} polls in a row or reported that it cannot capture. */
  @Override
  public boolean failed(String serial) {
    Integer missed = missesBySerial.get(serial);
    return missed != null && missed >= misses || incapable.contains(serial);
  }

  @Override
  public Optional<List<String>> reportedAlarms(String serial) {
    return Optional.ofNullable(alarmsBySerial.get(serial));
  }

  public long healthyCount() {
    return missesBySerial.keySet().stream().filter(this::healthy).count();
  }

  private void pollQuietly() {
    try {
      pollOnce();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("health poll failed, trying again in {}: {}", interval, e.toString());
      return;
    }
    try {
      afterPoll.run();
    } catch (RuntimeException e) {
      LOG.warn("the health listener failed, carrying on: {}", e.toString());
    }
  }

  private void pollOnce() throws SQLException {
    List<CompletableFuture<Void>> polls = new ArrayList<>();
    for (PairView pair : directory.pairs()) {
      for (RecorderView recorder : pair.recorders()) {
        polls.add(poll(recorder).thenAccept(health -> record(recorder.serial(), health)));
      }
    }
    CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).join();
  }

  /** What one poll found: no answer (null), or the recorder's answer. */
  private CompletableFuture<RecorderHealth> poll(RecorderView recorder) {
    // One blocking request per recorder on a virtual thread of its own: a recorder that died or froze
    // cannot stall the polls of the others, as it can on a shared asynchronous client.
    return CompletableFuture.supplyAsync(() -> ask(recorder), polls)
        .completeOnTimeout(null, interval.toMillis() * 2, TimeUnit.MILLISECONDS);
  }

  private RecorderHealth ask(RecorderView recorder) {
    try {
      return clients.of(recorder.adminUrl()).health(interval);
    } catch (RecorderException | IllegalArgumentException e) {
      LOG.debug("health poll of recorder {} at {} failed: {}", recorder.serial(), recorder.adminUrl(), e.toString());
      return null;
    }
  }

  private void record(String serial, RecorderHealth health) {
    if (health == null) {
      missesBySerial.merge(serial, 1, (missed, one) -> Math.min(missed + 1, misses));
      return;
    }
    alarmsBySerial.put(serial, health.alarms());
    missesBySerial.put(serial, 0);
    answered.add(serial);
    if (health.capturing()) {
      incapable.remove(serial);
    } else {
      incapable.add(serial);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    polls.shutdownNow();
  }
}
