package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.access.RouteTable;
import io.tandem.json.Json;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of a real Recorder Manager and recorder, fed JSON bodies, path and query parameters drawn by jqwik's
 * generators (from a fixed seed, so a run is repeatable), as an administrator: every answer is 2xx or 4xx, never
 * 5xx, and the recorder records a call made afterwards.
 */
class HttpFuzzTest {
  private static final long SEED = 0x7A4D_2026_1202L;
  private static final int CASES_PER_ROUTE = 24;
  /** The fields each route's body knows, so that most bodies get past the first check into the parsing. */
  private static final Map<String, List<String>> FIELDS = Map.ofEntries(
      Map.entry("/api/login", List.of("name", "password")),
      Map.entry("/api/users", List.of("name", "role", "password")),
      Map.entry("/api/tokens", List.of("name", "role")),
      Map.entry("/api/reprocess", List.of("serial", "from", "to", "actor")),
      Map.entry("/api/pairs/{name}/policy", List.of("rollbackWindowSeconds", "failbackPolicy", "gapPolicy",
          "matchToleranceMillis")),
      Map.entry("/api/notification-targets", List.of("name", "kind", "url", "secret", "host", "port", "transport",
          "facility")),
      Map.entry("/api/rebuild", List.of("command", "actor")),
      Map.entry("/api/role", List.of("role", "epoch")),
      Map.entry("/api/promote", List.of("epoch", "from", "to", "actor")));
  private static final List<String> QUERY_NAMES = List.of("from", "to", "limit", "serial", "x");

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 420001, 420002, 29000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void everyAnswerIsTwoOrFourHundredSomethingAndTheRecorderKeepsRecording() throws Exception {
    Random random = new Random(SEED);
    Map<Integer, Integer> statuses = new TreeMap<>();
    List<String> serverErrors = new ArrayList<>();
    long start = System.nanoTime();
    for (RouteTable.Route route : RouteTable.routes()) {
      for (int i = 0; i < CASES_PER_ROUTE; i++) {
        HttpRequest request = request(route, random);
        HttpResponse<String> answer = PairFixture.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        statuses.merge(answer.statusCode(), 1, Integer::sum);
        if (answer.statusCode() >= 500) {
          serverErrors.add(request.method() + " " + request.uri() + " -> " + answer.statusCode() + " " + answer.body());
        }
      }
    }
    int sent = statuses.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf("HTTP fuzz: %d requests to %d routes in %d ms, by status %s%n", sent,
        RouteTable.routes().size(), (System.nanoTime() - start) / 1_000_000, statuses);

    assertThat(serverErrors).as("answers of 500 or more").isEmpty();
    assertThat(statuses.keySet()).allSatisfy(status -> assertThat(status).isBetween(200, 499));
    int before = PairFixture.getJson(pair.main.adminUrl() + "/api/calls").size();
    assertThat(new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1, Duration.ofSeconds(1), "udp", 0))
        .run().failures()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        PairFixture.getJson(pair.main.adminUrl() + "/api/calls").size() == before + 1);
  }

  private static HttpRequest request(RouteTable.Route route, Random random) {
    String base = route.server() == RouteTable.Server.MANAGER ? pair.managerUrl() : pair.main.adminUrl();
    String path = route.path();
    for (String name : List.of("{name}", "{id}", "{inum}")) {
      if (path.contains(name)) {
        String value = sample(pathValues(), random);
        // Never the credentials this test runs with: a revoked token would end the run early.
        if (path.startsWith("/api/tokens/")) {
          value = "99999" + value;
        } else if (path.startsWith("/api/users/")) {
          value = "fz-" + value;
        }
        path = path.replace(name, URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    StringBuilder query = new StringBuilder();
    if (route.method().equals("GET") && random.nextBoolean()) {
      for (int n = random.nextInt(3); n >= 0; n--) {
        query.append(query.isEmpty() ? '?' : '&').append(QUERY_NAMES.get(random.nextInt(QUERY_NAMES.size())))
            .append('=').append(URLEncoder.encode(sample(scalarText(), random), StandardCharsets.UTF_8));
      }
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path + query)).timeout(Duration.ofSeconds(20));
    if (route.method().equals("GET") || route.method().equals("DELETE")) {
      return builder.method(route.method(), HttpRequest.BodyPublishers.noBody()).build();
    }
    return builder.header("Content-Type", "application/json")
        .method(route.method(), HttpRequest.BodyPublishers.ofString(body(route, random))).build();
  }

  /** Mostly a JSON object of the route's fields with values of any type; sometimes text that is not JSON at all. */
  private static String body(RouteTable.Route route, Random random) {
    int kind = random.nextInt(10);
    if (kind == 0) {
      return sample(Arbitraries.strings().ofMaxLength(200), random);
    }
    if (kind == 1) {
      return sample(Arbitraries.of("", "null", "[]", "[1,2]", "\"text\"", "42", "{", "{\"a\":", "{}"), random);
    }
    List<String> known = FIELDS.getOrDefault(route.path(), List.of());
    Map<String, Object> object = new LinkedHashMap<>();
    for (String field : known) {
      if (random.nextInt(4) != 0) {
        object.put(field, value(random, 0));
      }
    }
    if (random.nextInt(5) == 0) {
      object.put(sample(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12), random), value(random, 0));
    }
    return Json.write(object);
  }

  private static Object value(Random random, int depth) {
    return switch (random.nextInt(depth > 1 ? 5 : 7)) {
      case 0 -> sample(scalarText(), random);
      case 1 -> sample(Arbitraries.longs(), random);
      case 2 -> sample(Arbitraries.doubles(), random);
      case 3 -> random.nextBoolean();
      case 4 -> null;
      case 5 -> List.of(value(random, depth + 1), value(random, depth + 1));
      default -> Map.of("k", value(random, depth + 1));
    };
  }

  /** Text that is sometimes almost right: times, whole numbers, roles, commands, and anything at all. */
  private static Arbitrary<String> scalarText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(60),
        Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(30),
        Arbitraries.of("2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z", "2026-13-40T99:00:00Z", "1970-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z", "PRIMARY", "SECONDARY", "admin", "supervisor", "manager", "webhook",
            "syslog", "never", "manual", "report", "promote", "Rebuild Fix true true", "Rebuild Fix false false "
            + "20261126000000", "Rebuild Zap", "420001", "420002", "0", "-1", "1000000", "9223372036854775808",
            "NaN", "http://127.0.0.1:1/hook", "a-password-long-enough", "x".repeat(5_000)),
        Arbitraries.longs().map(n -> Long.toString(n)));
  }

  private static Arbitrary<String> pathValues() {
    return Arbitraries.oneOf(scalarText().filter(text -> !text.isEmpty()),
        Arbitraries.of("1", "420001000000001", "pair-420001", "..", "%00", "a/b", "\u0000"));
  }

  private static <T> T sample(Arbitrary<T> arbitrary, Random random) {
    return arbitrary.generator(100).next(random).value();
  }
}
