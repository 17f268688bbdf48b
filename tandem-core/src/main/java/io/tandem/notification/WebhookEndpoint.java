package io.tandem.notification;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A webhook: events are POSTed to {@code url} as JSON, signed with HMAC-SHA256 under {@code secret}. The secret
 * is never part of {@link #toString()}. Immutable; validated when built.
 */
public record WebhookEndpoint(URI url, String secret) implements Endpoint {
  /** Shorter secrets are too easy to guess to make a signature worth checking. */
  public static final int MIN_SECRET_LENGTH = 16;

  public WebhookEndpoint {
    if (url == null || !url.isAbsolute() || url.getHost() == null
        || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
      throw new InvalidTargetException("url", "must be an absolute http:// or https:// URL with a host, got "
          + (url == null ? "nothing" : "'" + url + "'"));
    }
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      throw new InvalidTargetException("secret", "must be at least " + MIN_SECRET_LENGTH + " characters, got "
          + (secret == null ? "nothing" : secret.length()));
    }
  }

  /** Parses the url as written in a config file or a request. */
  public static WebhookEndpoint of(String url, String secret) {
    if (url == null || url.isBlank()) {
      throw new InvalidTargetException("url", "must be an absolute http:// or https:// URL with a host, got nothing");
    }
    try {
      return new WebhookEndpoint(new URI(url.strip()), secret);
    } catch (URISyntaxException e) {
      throw new InvalidTargetException("url", "must be an absolute http:// or https:// URL with a host, got '" + url
          + "': " + e.getReason());
    }
  }

  @Override
  public String kind() {
    return "webhook";
  }

  @Override
  public String toString() {
    return "WebhookEndpoint[url=" + url + "]";
  }
}
