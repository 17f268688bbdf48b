package io.tandem.notification;

import io.tandem.database.EventView;
import io.tandem.json.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * POSTs each event as JSON ({@link EventPayload}) to a webhook, signed ({@link WebhookSignature}) and with its id
 * and type in headers. The webhook took the event when it answers 2xx; any other answer, a redirect included, or
 * no answer within the timeout, is a failure. Used by one delivery thread.
 */
final class WebhookSender implements EventSender {
  static final String EVENT_ID_HEADER = "X-Tandem-Event-Id";
  static final String EVENT_TYPE_HEADER = "X-Tandem-Event";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final WebhookEndpoint endpoint;
  private final Clock clock;

  WebhookSender(HttpClient http, WebhookEndpoint endpoint, Clock clock) {
    this.http = http;
    this.endpoint = endpoint;
    this.clock = clock;
  }

  @Override
  public void send(EventView event) throws IOException, InterruptedException {
    byte[] body = Json.write(EventPayload.of(event)).getBytes(StandardCharsets.UTF_8);
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request = HttpRequest.newBuilder(endpoint.url())
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("User-Agent", "tandem-manager")
        .header(EVENT_ID_HEADER, Long.toString(event.id()))
        .header(EVENT_TYPE_HEADER, event.type())
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
        .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(endpoint.secret(), timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() / 100 != 2) {
      String text = answer.body() == null ? "" : answer.body().strip();
      throw new IOException("the webhook answered " + answer.statusCode()
          + (text.isEmpty() ? "" : ": " + text.substring(0, Math.min(200, text.length()))));
    }
  }

  @Override
  public void close() {
    // The HTTP client is shared by every webhook and closed by its owner.
  }
}
