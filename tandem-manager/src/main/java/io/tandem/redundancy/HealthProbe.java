package io.tandem.redundancy;

import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls {@code GET {adminUrl}/health} of every registered recorder each interval. A recorder is
 * healthy once it has answered 2xx and until it misses {@code misses} consecutive polls (no answer
 * within the interval, or an answer other than 2xx). Polling runs on one thread of its own; reading
 * the state is thread-safe.
 */
public final class HealthProbe implements AutoCloseable {
  /** Where the recorders to poll come from; the call database's {@code pairs()} fits. */
  @FunctionalInterface
  public interface RecorderDirectory {
    List<PairView> pairs() throws SQLException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(HealthProbe.class);

  private final RecorderDirectory directory;
  private final Duration interval;
  private final int misses;
  private final HttpClient client;
  private final Map<String, Integer> missesBySerial = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "health-probe");
    thread.setDaemon(true);
    return thread;
  });

  public HealthProbe(RecorderDirectory directory, Duration interval, int misses) {
    this.directory = directory;
    this.interval = interval;
    this.misses = misses;
    this.client = HttpClient.newBuilder().connectTimeout(interval).build();
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True when the recorder answered and has not missed {@code misses} polls in a row since. */
  public boolean healthy(String serial) {
    Integer missed = missesBySerial.get(serial);
    return missed != null && missed < misses;
  }

  public long healthyCount() {
    return missesBySerial.values().stream().filter(missed -> missed < misses).count();
  }

  private void pollQuietly() {
    try {
      pollOnce();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("health poll failed, trying again in {}: {}", interval, e.toString());
    }
  }

  private void pollOnce() throws SQLException {
    List<CompletableFuture<Void>> polls = new ArrayList<>();
    for (PairView pair : directory.pairs()) {
      for (RecorderView recorder : pair.recorders()) {
        polls.add(poll(recorder).thenAccept(answered -> record(recorder.serial(), answered)));
      }
    }
    CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).join();
  }

  private CompletableFuture<Boolean> poll(RecorderView recorder) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(recorder.adminUrl() + "/health")).timeout(interval).GET().build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(false);
    }
    return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((response, failure) -> failure == null && response.statusCode() / 100 == 2);
  }

  private void record(String serial, boolean answered) {
    if (answered) {
      missesBySerial.put(serial, 0);
    } else {
      // A recorder that never answered stays unknown, which counts as unhealthy.
      missesBySerial.computeIfPresent(serial, (key, missed) -> Math.min(missed + 1, misses));
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    client.close();
  }
}
