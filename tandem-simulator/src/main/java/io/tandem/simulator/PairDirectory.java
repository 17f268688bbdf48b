package io.tandem.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Asks a Recorder Manager for the SIP addresses of a pair's recorders, or of every pair's ({@code GET /api/pairs}).
 * Stateless and thread-safe; every failure is an {@link IllegalStateException} or
 * {@link IllegalArgumentException} whose message says what went wrong.
 */
public final class PairDirectory {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** The pair name that stands for every pair. */
  public static final String ALL = "all";

  private PairDirectory() {}

  /** The SIP addresses of the named pair's recorders, or of the first pair when {@code pairName} is null. */
  public static List<InetSocketAddress> sipAddresses(URI manager, String pairName) {
    return sipAddresses(manager, pairName, null);
  }

  /** As {@link #sipAddresses(URI, String)}, an https Manager trusted by {@code trust} (null: the JDK's authorities). */
  public static List<InetSocketAddress> sipAddresses(URI manager, String pairName, SSLContext trust) {
    return sipAddresses(manager, pairName, trust, null);
  }

  /** As {@link #sipAddresses(URI, String, SSLContext)}, asking with an API token (null: none) as a bearer. */
  public static List<InetSocketAddress> sipAddresses(URI manager, String pairName, SSLContext trust, String token) {
    return select(fetchPairs(manager, trust, token), pairName, manager);
  }

  /**
   * The SIP addresses of the recorders of every pair, a list per pair in the Manager's order, when {@code pairName} is
   * {@value #ALL}; else of the one pair as {@link #sipAddresses(URI, String, SSLContext, String)} finds it.
   */
  public static List<List<InetSocketAddress>> pairsSipAddresses(URI manager, String pairName, SSLContext trust,
      String token) {
    return pairsSipAddresses(List.of(manager), pairName, trust, token);
  }

  /**
   * As {@link #pairsSipAddresses(URI, String, SSLContext, String)}, from the first of {@code managers} that answers:
   * any Recorder Manager of a site serves its pairs, acting or standing by, and one that fails is skipped.
   *
   * @throws IllegalStateException when none answers, with each one's failure
   */
  public static List<List<InetSocketAddress>> pairsSipAddresses(List<URI> managers, String pairName,
      SSLContext trust, String token) {
    Answer answer = firstAnswer(managers, trust, token);
    return ALL.equals(pairName) ? every(answer.pairs(), answer.manager())
        : List.of(select(answer.pairs(), pairName, answer.manager()));
  }

  static List<List<InetSocketAddress>> every(JsonNode pairs, URI manager) {
    List<List<InetSocketAddress>> all = new ArrayList<>();
    for (JsonNode pair : pairs) {
      all.add(addresses(pair, pair.path("name").asText()));
    }
    if (all.isEmpty()) {
      throw new IllegalStateException("the Recorder Manager at " + manager + " has no pairs");
    }
    return all;
  }

  /**
   * As {@link #sipAddresses(URI, String, SSLContext, String)}, from the first of {@code managers} that answers.
   *
   * @throws IllegalStateException when none answers, with each one's failure
   */
  public static List<InetSocketAddress> sipAddresses(List<URI> managers, String pairName, SSLContext trust,
      String token) {
    Answer answer = firstAnswer(managers, trust, token);
    return select(answer.pairs(), pairName, answer.manager());
  }

  private record Answer(URI manager, JsonNode pairs) {}

  private static Answer firstAnswer(List<URI> managers, SSLContext trust, String token) {
    if (managers.isEmpty()) {
      throw new IllegalArgumentException("give at least one Recorder Manager URL");
    }
    List<String> failures = new ArrayList<>();
    for (URI manager : managers) {
      try {
        return new Answer(manager, fetchPairs(manager, trust, token));
      } catch (IllegalStateException e) {
        failures.add(e.getMessage());
      }
    }
    throw new IllegalStateException(failures.size() == 1 ? failures.getFirst()
        : "no Recorder Manager answered: " + String.join("; ", failures));
  }

  private static JsonNode fetchPairs(URI manager, SSLContext trust, String token) {
    URI pairsUri = manager.resolve(manager.getPath().endsWith("/") ? "api/pairs" : manager.getPath() + "/api/pairs");
    HttpRequest.Builder asking = HttpRequest.newBuilder(pairsUri).timeout(TIMEOUT).GET();
    if (token != null) {
      asking.header("Authorization", "Bearer " + token);
    }
    HttpRequest request = asking.build();
    HttpResponse<String> response;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (trust != null) {
      builder.sslContext(trust);
    }
    try (HttpClient client = builder.build()) {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the Recorder Manager at " + manager + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + pairsUri + " for pairs", e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the Recorder Manager answered " + response.statusCode() + " to GET "
          + pairsUri + ", expected 200" + (response.statusCode() == 401 ? " (give an API token with --token or "
          + "TANDEM_TOKEN)" : ""));
    }
    try {
      JsonNode pairs = Json.MAPPER.readTree(response.body());
      if (pairs == null || !pairs.isArray()) {
        throw new IllegalStateException("expected a JSON list of pairs from " + pairsUri);
      }
      return pairs;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("expected a JSON list of pairs from " + pairsUri + ": "
          + e.getOriginalMessage(), e);
    }
  }

  static List<InetSocketAddress> select(JsonNode pairs, String pairName, URI manager) {
    List<String> names = new ArrayList<>();
    for (JsonNode pair : pairs) {
      String name = pair.path("name").asText();
      names.add(name);
      if (pairName == null || pairName.equals(name)) {
        return addresses(pair, name);
      }
    }
    if (pairName == null) {
      throw new IllegalStateException("the Recorder Manager at " + manager + " has no pairs");
    }
    throw new IllegalArgumentException("the Recorder Manager at " + manager + " has no pair named '" + pairName
        + "'; its pairs are " + names);
  }

  private static List<InetSocketAddress> addresses(JsonNode pair, String name) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (JsonNode recorder : pair.path("recorders")) {
      addresses.add(parseSipAddress(recorder.path("sipAddress").asText(), name));
    }
    if (addresses.isEmpty()) {
      throw new IllegalStateException("pair '" + name + "' has no recorders");
    }
    return addresses;
  }

  static InetSocketAddress parseSipAddress(String text, String pairName) {
    int colon = text.lastIndexOf(':');
    String host = colon > 0 ? text.substring(0, colon) : "";
    String port = colon > 0 ? text.substring(colon + 1) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1
        || Integer.parseInt(port) > 65535) {
      throw new IllegalStateException("expected sipAddress 'host:port' for a recorder of pair '" + pairName
          + "', got '" + text + "'");
    }
    return new InetSocketAddress(host, Integer.parseInt(port));
  }
}
