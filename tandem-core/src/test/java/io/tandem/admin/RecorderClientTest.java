package io.tandem.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tandem.call.Inum;
import io.tandem.call.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecorderClientTest {
  private static final String RUNNING_JOB = "{\"id\":\"j1\",\"kind\":\"PROMOTION\",\"state\":\"RUNNING\","
      + "\"progress\":{\"scanned\":3,\"total\":10,\"matched\":2,\"added\":1,\"alreadyPresent\":1},\"extra\":1}";

  private HttpServer server;
  private RecorderClient client;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startRecorder() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", exchange -> answer(exchange, 503, "{\"serial\":\"100001\",\"position\":\"MAIN\","
        + "\"role\":\"PRIMARY\",\"epoch\":4,\"capturing\":false,\"registered\":true,\"activeCalls\":2}"));
    server.createContext("/api/role", exchange -> answer(exchange, 409, "{\"error\":\"epoch 3 is older than this "
        + "recorder's epoch 4\\nsecond line\",\"role\":\"PRIMARY\",\"epoch\":4}"));
    server.createContext("/api/promote", exchange -> answer(exchange, 202, RUNNING_JOB));
    server.createContext("/api/jobs/", exchange -> {
      if (exchange.getRequestURI().getPath().endsWith("/j1")) {
        answer(exchange, 200, RUNNING_JOB);
      } else {
        answer(exchange, 404, "{\"error\":\"no job\"}");
      }
    });
    server.createContext("/api/calls/", exchange -> {
      exchange.getResponseHeaders().add("Content-Range", "bytes 0-3/100");
      exchange.getResponseHeaders().add("Content-Type", "audio/wav");
      answer(exchange, 206, "RIFF");
    });
    server.start();
    client = RecorderClient.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
        Duration.ofSeconds(10));
  }

  @AfterEach
  void stopRecorder() {
    server.stop(0);
  }

  @Test
  void aRecorderThatCannotCaptureAnswersItsHealthAll503() {
    RecorderHealth health = client.health(Duration.ofSeconds(10));

    assertThat(health.capturing()).isFalse();
    assertThat(health.role()).isEqualTo(Role.PRIMARY);
    assertThat(health.epoch()).isEqualTo(4);
  }

  @Test
  void aRefusalCarriesTheRecordersFirstErrorLineAndStatus() {
    assertThatThrownBy(() -> client.role(Role.PRIMARY, 3)).isInstanceOfSatisfying(RecorderException.class, e -> {
      assertThat(e.getMessage()).isEqualTo("epoch 3 is older than this recorder's epoch 4");
      assertThat(e.status()).isEqualTo(409);
      assertThat(e.unreachable()).isFalse();
    });
  }

  @Test
  void aJobIsReadTypedAndAnUnknownOneIsEmpty() {
    JobView started = client.promote(4, Instant.parse("2026-11-26T14:00:00Z"), null, "rrc");

    assertThat(started.kind()).isEqualTo(JobKind.PROMOTION);
    assertThat(started.state()).isEqualTo(JobState.RUNNING);
    assertThat(started.figures()).isEqualTo(new JobFigures(3, 10, 2, 1, 1));
    assertThat(client.job("j1")).contains(started);
    assertThat(client.job("gone")).isEmpty();
    assertThat(requests).contains("POST /api/promote {\"epoch\":4,\"from\":\"2026-11-26T14:00:00Z\",\"actor\":\"rrc\"}");
  }

  @Test
  void mediaIsRelayedWithItsStatusAndHeaders() throws Exception {
    try (RecorderClient.MediaAnswer media = client.media(Inum.of(100001, 7), "bytes=0-3", Duration.ofSeconds(10))) {
      assertThat(media.status()).isEqualTo(206);
      assertThat(media.header("Content-Range")).contains("bytes 0-3/100");
      assertThat(new String(media.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    }
    assertThat(requests).contains("GET /api/calls/100001000000007/media range=bytes=0-3");
  }

  @Test
  void anUnreachableRecorderIsOneLineWithStatusZero() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    RecorderClient gone = RecorderClient.of(URI.create("http://127.0.0.1:" + closed), Duration.ofSeconds(10));

    assertThatThrownBy(gone::status).isInstanceOfSatisfying(RecorderException.class, e -> {
      assertThat(e.unreachable()).isTrue();
      assertThat(e.getMessage()).startsWith("cannot reach the recorder at http://127.0.0.1:" + closed);
    });
  }

  private void answer(HttpExchange exchange, int status, String body) throws IOException {
    String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
    String sent = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String range = exchange.getRequestHeaders().getFirst("Range");
    requests.add(request + (sent.isEmpty() ? "" : " " + sent) + (range == null ? "" : " range=" + range));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
