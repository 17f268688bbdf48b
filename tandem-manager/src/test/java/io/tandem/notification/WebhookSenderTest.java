package io.tandem.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tandem.database.EventView;
import io.tandem.json.Json;
import io.tandem.redundancy.SettableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {
  private static final String SECRET = "a secret of the target";
  private static final Instant NOW = Instant.parse("2026-12-01T08:00:05Z");

  private final AtomicInteger status = new AtomicInteger(204);
  private final AtomicReference<HttpExchange> last = new AtomicReference<>();
  private final AtomicReference<byte[]> body = new AtomicReference<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpServer receiver;
  private WebhookSender sender;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      body.set(exchange.getRequestBody().readAllBytes());
      last.set(exchange);
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    receiver.start();
    URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    sender = new WebhookSender(http, new WebhookEndpoint(url, SECRET), new SettableClock(NOW));
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
    http.close();
  }

  @Test
  void theEventIsPostedAsJsonSignedOverTheTimestampAndTheBody() throws Exception {
    sender.send(new EventView(42, "ALARM_RAISED", NOW.minusSeconds(5), "pair-1",
        Map.of("alarm", "BACKUP_DOWN", "serial", "100002")));

    var headers = last.get().getRequestHeaders();
    assertThat(last.get().getRequestMethod()).isEqualTo("POST");
    assertThat(headers.getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(headers.getFirst("X-Tandem-Event-Id")).isEqualTo("42");
    assertThat(headers.getFirst("X-Tandem-Event")).isEqualTo("ALARM_RAISED");
    assertThat(headers.getFirst("X-Tandem-Timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
    assertThat(headers.getFirst("X-Tandem-Signature"))
        .isEqualTo("sha256=" + hmacSha256(SECRET, NOW.getEpochSecond() + "." + text(body.get())));
    JsonNode json = Json.MAPPER.readTree(body.get());
    assertThat(json.get("id").asLong()).isEqualTo(42);
    assertThat(json.get("type").asText()).isEqualTo("ALARM_RAISED");
    assertThat(json.get("at").asText()).isEqualTo("2026-12-01T08:00:00Z");
    assertThat(json.get("pair").asText()).isEqualTo("pair-1");
    assertThat(json.get("details").get("serial").asText()).isEqualTo("100002");
    assertThat(json.get("summary").asText()).isEqualTo("alarm BACKUP_DOWN of pair pair-1 raised (recorder 100002)");
  }

  @Test
  void anAnswerOtherThan2xxIsAFailureThatSaysTheStatus() {
    status.set(503);

    assertThatThrownBy(() -> sender.send(new EventView(1, "GAP", NOW, "pair-1", Map.of())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("503");
  }

  @Test
  void aRedirectIsNotFollowedAndIsAFailure() {
    status.set(302);

    assertThatThrownBy(() -> sender.send(new EventView(1, "GAP", NOW, "pair-1", Map.of())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("302");
  }

  /** Computed here with the JDK alone, as a receiver would, not with the class under test. */
  private static String hmacSha256(String secret, String signed) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
