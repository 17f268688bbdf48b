package io.tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.tandem.admin.RecorderClients;
import io.tandem.call.Position;
import io.tandem.call.Role;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthProbeTest {
  private final RecorderClients clients = new RecorderClients(Duration.ofSeconds(1));
  private final List<FakeRecorder> recorders = new ArrayList<>();

  @AfterEach
  void close() {
    recorders.forEach(FakeRecorder::stop);
    clients.close();
  }

  @Test
  void recorderWhoseProcessDiesIsFailedAtOnce() throws Exception {
    FakeRecorder main = recorder();
    // An interval of 10 s: a probe that waited for its checks would take 30 s; the lost connection takes a third
    // of a check period (2.5 s) at most.
    try (HealthProbe probe = probe(Duration.ofSeconds(10), main)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      main.stop();
      await().atMost(Duration.ofSeconds(8)).until(() -> probe.failed("100001"));
      assertThat(probe.healthy("100001")).isFalse();
    }
  }

  @Test
  void recorderThatFreezesIsFailedOnlyAfterItsSilenceAndAReconnectionWithoutAnswer() throws Exception {
    FakeRecorder main = recorder();
    // 1 s and 3 misses: silent for 750 ms, then a reconnection try of at most 500 ms.
    try (HealthProbe probe = probe(Duration.ofSeconds(1), main)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      main.freeze();
      long frozenAt = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.failed("100001"));
      assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).as("not before the silence limit and the try")
          .isGreaterThanOrEqualTo(Duration.ofMillis(750));
      main.thaw();
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.healthy("100001"));
    }
  }

  @Test
  void recorderThatCameBackFromALongSilenceIsAllowedTwiceAsLongButAHangIsStillDeclared() throws Exception {
    FakeRecorder main = recorder();
    // 1 s and 3 misses: a silence of 750 ms, then a try of 500 ms. A freeze of 1.6 s would be declared (the try
    // ends 1.1 to 1.5 s after it began) but for the 700 ms freeze the recorder came back from just before.
    try (HealthProbe probe = probe(Duration.ofSeconds(1), main)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      assertThat(probe.silenceAllowed("100001")).hasValueSatisfying(allowed -> assertThat(allowed)
          .isLessThan(Duration.ofMillis(1_400)));
      freezeFor(main, Duration.ofMillis(700));
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.silenceAllowed("100001").orElseThrow()
          .compareTo(Duration.ofMillis(1_400)) >= 0);
      assertThat(probe.failed("100001")).isFalse();

      freezeFor(main, Duration.ofMillis(1_600));
      Thread.sleep(500);
      assertThat(probe.failed("100001")).as("slow, not failed").isFalse();
      assertThat(probe.healthy("100001")).isTrue();

      main.freeze();
      long frozenAt = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.failed("100001"));
      assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).as("within four limits and the try")
          .isLessThan(Duration.ofMillis(4_500));
      main.thaw();
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.healthy("100001"));
    }
  }

  @Test
  void whileChangesAreHeardARegisteredRecorderIsWatchedWhenToldAndNotReadEveryInterval() throws Exception {
    FakeRecorder backup = recorder();
    Directory directory = new Directory(recorder(), 0);
    // An interval of 200 ms: read every interval, the directory would be read some 15 times in 3 s.
    try (HealthProbe probe = directory.probe(true)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      directory.addBackup(backup);
      Thread.sleep(3000);
      assertThat(directory.reads.get()).as("read once at start, then once a minute").isEqualTo(1);
      assertThat(probe.notYetSeen("100002")).as("not read again untold").isTrue();

      probe.recordersChanged();
      await().atMost(Duration.ofSeconds(2)).until(() -> probe.healthy("100002"));
      assertThat(directory.reads.get()).isEqualTo(2);
    }
  }

  @Test
  void aReadThatFailsAfterAChangeIsTriedAgainAtTheNextIntervalNotAMinuteLater() throws Exception {
    FakeRecorder backup = recorder();
    Directory directory = new Directory(recorder(), 2);
    try (HealthProbe probe = directory.probe(true)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      directory.addBackup(backup);

      probe.recordersChanged();

      await().atMost(Duration.ofSeconds(3)).until(() -> probe.healthy("100002"));
      assertThat(directory.reads.get()).isEqualTo(3);
    }
  }

  @Test
  void whileChangesAreNotHeardTheRecordersAreReadEveryInterval() throws Exception {
    Directory directory = new Directory(recorder(), 0);
    try (HealthProbe probe = directory.probe(false)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> directory.reads.get() >= 5);
    }
  }

  /** A pair's recorders that a test changes, counting its reads; the read numbered {@code failing} fails. */
  private final class Directory {
    final List<RecorderView> members = new CopyOnWriteArrayList<>();
    final AtomicInteger reads = new AtomicInteger();
    private final int failing;

    Directory(FakeRecorder main, int failing) {
      members.add(new RecorderView("100001", Position.MAIN, Role.PRIMARY, main.url(), "127.0.0.1:5060"));
      this.failing = failing;
    }

    void addBackup(FakeRecorder backup) {
      members.add(new RecorderView("100002", Position.BACKUP, Role.SECONDARY, backup.url(), "127.0.0.1:5062"));
    }

    /** A probe started on it, checking every 200 ms, told whether changes are heard. */
    HealthProbe probe(boolean changesHeard) {
      HealthProbe probe = new HealthProbe(() -> {
        if (reads.incrementAndGet() == failing) {
          throw new SQLException("the call database did not answer");
        }
        return List.of(new PairView("pair-h", 1, 900, "never", "promote", 2000, List.copyOf(members)));
      }, clients, Duration.ofMillis(200), 3, Duration.ofSeconds(30));
      probe.hearChangesFrom(() -> changesHeard);
      probe.start();
      return probe;
    }
  }

  @Test
  void silentConnectionOfARecorderThatAnswersANewOneIsNoFailure() throws Exception {
    FakeRecorder main = recorder();
    try (HealthProbe probe = probe(Duration.ofMillis(400), main)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      // The first connection goes silent, as behind a stalled link; new ones beat.
      main.silenceOpenStreams();
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> !probe.failed("100001"));
      assertThat(main.connections()).as("the probe reconnected instead of declaring a failure").isGreaterThan(1);
    }
  }

  @Test
  void beatsSlowerThanAskedButWithinTheSilenceLimitAreNoFailure() throws Exception {
    FakeRecorder main = recorder();
    main.everyMs.set(300);
    // 1 s and 3 misses: a silence of 750 ms is allowed; beats 300 ms apart are slow but well inside it.
    try (HealthProbe probe = probe(Duration.ofSeconds(1), main)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      assertThat(main.connections()).isEqualTo(1);
    }
  }

  @Test
  void recorderThatCannotCaptureIsFailedAtItsNextBeat() throws Exception {
    FakeRecorder main = recorder();
    try (HealthProbe probe = probe(Duration.ofMillis(250), main)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      main.body.set("{\"serial\":\"100001\",\"capturing\":false,\"alarms\":[\"DISK_LOW\"]}");
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.failed("100001"));
      assertThat(probe.reportedAlarms("100001")).contains(List.of("DISK_LOW"));
      main.body.set("{\"capturing\":true}");
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
    }
  }

  @Test
  void aDeadRecorderDoesNotMakeItsPartnerLookFailed() throws Exception {
    FakeRecorder main = recorder();
    FakeRecorder backup = recorder();
    try (HealthProbe probe = probe(Duration.ofMillis(250), main, backup)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001") && probe.healthy("100002"));
      main.stop();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.failed("100001"));
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> probe.healthy("100002"));
    }
  }

  @Test
  void theListenerRunsRightAfterAChangeNotAtTheInterval() throws Exception {
    FakeRecorder main = recorder();
    AtomicBoolean sawFailed = new AtomicBoolean();
    // An interval of 20 s: only a run on the change itself sees the failure within the wait below.
    try (HealthProbe probe = probe(Duration.ofSeconds(20), main)) {
      probe.afterEachPoll(() -> sawFailed.compareAndSet(false, probe.failed("100001")));
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      main.stop();
      await().atMost(Duration.ofSeconds(15)).untilTrue(sawFailed);
    }
  }

  @Test
  void recorderNotYetListeningIsNotFailedBeforeTheStartUpGraceButIsAfterIt() throws Exception {
    FakeRecorder main = recorder();
    String refusing = main.url();
    main.stop();
    Duration grace = Duration.ofSeconds(4);
    // 250 ms and 3 misses: without the grace, the refused connections would fail it in about 0.2 s.
    try (HealthProbe probe = probe(Duration.ofMillis(250), grace, refusing, null)) {
      long startedAt = System.nanoTime();
      probe.start();
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !probe.failed("100001"));
      assertThat(probe.notYetSeen("100001")).isTrue();
      await().atMost(Duration.ofSeconds(15)).until(() -> probe.failed("100001"));
      assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).as("not before the grace")
          .isGreaterThanOrEqualTo(grace);
    }
  }

  @Test
  void recorderThatStartsListeningWithinTheGraceIsHealthyAndNeverFailed() throws Exception {
    int port = freePort();
    AtomicBoolean everFailed = new AtomicBoolean();
    try (HealthProbe probe = probe(Duration.ofMillis(250), Duration.ofSeconds(30), "http://127.0.0.1:" + port,
        null)) {
      probe.afterEachPoll(() -> everFailed.compareAndSet(false, probe.failed("100001")));
      probe.start();
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !probe.healthy("100001"));
      recorders.add(new FakeRecorder(port));
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.healthy("100001"));
      assertThat(everFailed).as("refused connections before the first beat failed it").isFalse();
      assertThat(probe.notYetSeen("100001")).isFalse();
    }
  }

  @Test
  void recorderSeenOnceIsFailedAtOnceEvenWithinTheGrace() throws Exception {
    FakeRecorder main = recorder();
    try (HealthProbe probe = probe(Duration.ofMillis(250), Duration.ofMinutes(10), main.url(), null)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      main.stop();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.failed("100001"));
    }
  }

  private HealthProbe probe(Duration interval, FakeRecorder main) {
    return probe(interval, main, null);
  }

  private HealthProbe probe(Duration interval, FakeRecorder main, FakeRecorder backup) {
    return probe(interval, Duration.ofSeconds(30), main.url(), backup == null ? null : backup.url());
  }

  @Test
  void anotherRecorderAnsweringAtTheAddressOfADeadOneDoesNotMakeItHealthy() throws Exception {
    FakeRecorder main = recorder();
    main.body.set("{\"serial\":\"100001\",\"capturing\":true}");
    try (HealthProbe probe = probe(Duration.ofSeconds(1), main)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      int port = Integer.parseInt(main.url().substring(main.url().lastIndexOf(':') + 1));
      main.stop();
      // Another process, a recorder of another pair, takes the dead one's port at once.
      FakeRecorder stranger = new FakeRecorder(port);
      recorders.add(stranger);
      stranger.body.set("{\"serial\":\"555555\",\"capturing\":true}");
      await().atMost(Duration.ofSeconds(8)).until(() -> stranger.connections() > 0 && probe.failed("100001"));
      // It stays failed while the stranger beats on.
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> probe.failed("100001")
          && !probe.healthy("100001"));
      assertThat(stranger.connections()).as("the address is tried again now and then").isGreaterThan(1);
    }
  }

  private HealthProbe probe(Duration interval, Duration grace, String mainUrl, String backupUrl) {
    List<RecorderView> members = new ArrayList<>();
    members.add(new RecorderView("100001", Position.MAIN, Role.PRIMARY, mainUrl, "127.0.0.1:5060"));
    if (backupUrl != null) {
      members.add(new RecorderView("100002", Position.BACKUP, Role.SECONDARY, backupUrl, "127.0.0.1:5062"));
    }
    PairView pair = new PairView("pair-h", 1, 900, "never", "promote", 2000, members);
    return new HealthProbe(() -> List.of(pair), clients, interval, 3, grace);
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private FakeRecorder recorder() throws IOException {
    FakeRecorder recorder = new FakeRecorder();
    recorders.add(recorder);
    return recorder;
  }

  private static void freezeFor(FakeRecorder recorder, Duration freeze) throws InterruptedException {
    recorder.freeze();
    Thread.sleep(freeze);
    recorder.thaw();
  }

  /** A recorder's beat route on a real socket, that can die, freeze, or fall silent on its open streams. */
  private static final class FakeRecorder {
    final AtomicReference<String> body = new AtomicReference<>("{\"capturing\":true}");
    /** The gap between beats; 0 sends them as often as asked. */
    final AtomicInteger everyMs = new AtomicInteger();
    private final AtomicBoolean frozen = new AtomicBoolean();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger silencedUpTo = new AtomicInteger();
    private final HttpServer server;

    FakeRecorder() throws IOException {
      this(0);
    }

    FakeRecorder(int port) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/api/beats", exchange -> {
        while (frozen.get()) {
          sleep(10);
        }
        int connection = connections.incrementAndGet();
        int asked = Integer.parseInt(exchange.getRequestURI().getQuery().replace("everyMs=", ""));
        exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          while (true) {
            if (!frozen.get() && connection > silencedUpTo.get()) {
              out.write((body.get() + "\n").getBytes(StandardCharsets.UTF_8));
              out.flush();
            }
            sleep(everyMs.get() > 0 ? everyMs.get() : asked);
          }
        } catch (IOException e) {
          // The probe went, or the server stopped.
        }
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int connections() {
      return connections.get();
    }

    void freeze() {
      frozen.set(true);
    }

    void thaw() {
      frozen.set(false);
    }

    void silenceOpenStreams() {
      silencedUpTo.set(connections.get());
    }

    void stop() {
      server.stop(0);
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
