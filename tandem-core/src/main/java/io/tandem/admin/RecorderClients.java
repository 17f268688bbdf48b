package io.tandem.admin;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * The clients of every recorder a process talks to, one per admin address, sharing one HTTP client (HTTP/1.1:
 * a recorder that hangs holds only its own connections). Recorders at https addresses must show a certificate
 * the given trust accepts (the JDK's authorities by default) for their own name. Thread-safe; closing it closes
 * the HTTP client.
 */
public final class RecorderClients implements AutoCloseable {
  private final HttpClient http;
  private final Duration timeout;
  private final String credential;
  private final Map<String, RecorderClient> byUrl = new ConcurrentHashMap<>();

  /** {@code timeout}: how long a request waits for its answer unless a call says otherwise. */
  public RecorderClients(Duration timeout) {
    this(timeout, null);
  }

  /** {@code trust}: what https recorders are trusted by, or null for the JDK's default authorities. */
  public RecorderClients(Duration timeout, SSLContext trust) {
    this(timeout, trust, null);
  }

  /**
   * {@code credential}: the bearer credential every request carries (the Recorder Manager's secret, or a user's API
   * token), or null for none.
   */
  public RecorderClients(Duration timeout, SSLContext trust, String credential) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http = newHttpClient(timeout, trust);
    this.credential = credential;
  }

  /** The client of the recorder whose admin API is at {@code adminUrl}. */
  public RecorderClient of(String adminUrl) {
    return byUrl.computeIfAbsent(Objects.requireNonNull(adminUrl, "adminUrl"),
        url -> new RecorderClient(url, http, timeout, credential));
  }

  static HttpClient newHttpClient(Duration connectTimeout, SSLContext trust) {
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout);
    if (trust != null) {
      builder.sslContext(trust);
    }
    return builder.build();
  }

  @Override
  public void close() {
    http.close();
  }
}
