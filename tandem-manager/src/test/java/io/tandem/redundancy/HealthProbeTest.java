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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthProbeTest {
  private final AtomicReference<String> body = new AtomicReference<>("{\"capturing\":true}");
  private final RecorderClients clients = new RecorderClients(Duration.ofSeconds(1));

  @AfterEach
  void closeClients() {
    clients.close();
  }

  @Test
  void recorderThatStopsAnsweringIsFailedAfterTheMisses() throws Exception {
    HttpServer recorder = recorder();
    try (HealthProbe probe = probe(recorder)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      recorder.stop(0);
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.failed("100001"));
      assertThat(probe.healthy("100001")).isFalse();
    }
  }

  @Test
  void recorderThatCannotCaptureIsFailedAtOnce() throws Exception {
    HttpServer recorder = recorder();
    try (HealthProbe probe = probe(recorder)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
      body.set("{\"serial\":\"100001\",\"capturing\": false}");
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.failed("100001"));
      body.set("{\"capturing\":true}");
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001"));
    } finally {
      recorder.stop(0);
    }
  }

  @Test
  void aDeadRecorderDoesNotMakeItsPartnerLookFailed() throws Exception {
    HttpServer main = recorder();
    HttpServer backup = recorder();
    try (HealthProbe probe = probe(main, backup)) {
      probe.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.healthy("100001") && probe.healthy("100002"));
      main.stop(0);
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.failed("100001"));
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> probe.healthy("100002"));
    } finally {
      backup.stop(0);
    }
  }

  private HealthProbe probe(HttpServer recorder) {
    return probe(recorder, null);
  }

  private HealthProbe probe(HttpServer main, HttpServer backup) {
    List<RecorderView> recorders = new java.util.ArrayList<>();
    recorders.add(new RecorderView("100001", Position.MAIN, Role.PRIMARY, url(main), "127.0.0.1:5060"));
    if (backup != null) {
      recorders.add(new RecorderView("100002", Position.BACKUP, Role.SECONDARY, url(backup), "127.0.0.1:5062"));
    }
    PairView pair = new PairView("pair-h", 1, 900, "never", "promote", 2000, recorders);
    // 250 ms and 3 misses: a live recorder is failed only if it misses answering within twice the interval three
    // times in a row, which a loaded machine's scheduling delays do not reach; a dead one is failed in about a second.
    return new HealthProbe(() -> List.of(pair), clients, Duration.ofMillis(250), 3);
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private HttpServer recorder() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", exchange -> {
      byte[] answer = body.get().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    return server;
  }
}
