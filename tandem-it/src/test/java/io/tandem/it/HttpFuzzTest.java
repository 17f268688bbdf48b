package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.access.RouteTable;
import io.tandem.json.Json;
import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every route of a real Recorder Manager and recorder, fed JSON bodies, path and query parameters drawn by jqwik's
 * generators (from a fixed seed, so a run is repeatable), as an administrator: every answer is 2xx or 4xx, never
 * 5xx, and the Main records a call made afterwards (checked when the container ends, with the counts printed).
 */
class HttpFuzzTest {
  private static final int TRIES = 1_000;
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

  static Path root;
  static PairFixture pair;
  static final Map<Integer, Integer> STATUSES = new ConcurrentHashMap<>();
  static long started;

  /** Requests sent again because the connection they went out on closed before any answer. */
  private static final AtomicInteger RETRIED = new AtomicInteger();

  @BeforeContainer
  static void startPair() throws Exception {
    root = Files.createTempDirectory("tandem-http-fuzz");
    pair = new PairFixture(root, 420001, 420002, 29000);
    started = System.nanoTime();
  }

  @AfterContainer
  static void recordAfterTheFuzzAndStop() throws Exception {
    try {
      System.out.printf("HTTP fuzz: %d requests to %d routes in %d ms, by status %s; %d sent again on a new "
          + "connection after a closed one%n", STATUSES.values().stream().mapToInt(Integer::intValue).sum(),
          RouteTable.routes().size(), (System.nanoTime() - started) / 1_000_000, new TreeMap<>(STATUSES),
          RETRIED.get());
      int before = PairFixture.getJson(pair.main.adminUrl() + "/api/calls").size();
      assertThat(new CallSimulator(new SimulationPlan(pair.sipAddresses(), 1, 1, Duration.ofSeconds(1), "udp", 0))
          .run().failures()).as("a call made after the fuzz").isZero();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          PairFixture.getJson(pair.main.adminUrl() + "/api/calls").size() == before + 1);
    } finally {
      pair.close();
      try (var paths = Files.walk(root)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.OFF)
  void everyAnswerIsTwoOrFourHundredSomething(@ForAll("requests") HttpRequest request) throws Exception {
    HttpResponse<String> answer;
    try {
      answer = PairFixture.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      // A kept-alive connection the server had closed (as it may after refusing a request whose body it did not
      // read) carries no answer at all; the client then tries once more on a new connection, as a browser does.
      // Anything the server answers, it answers on that one.
      RETRIED.incrementAndGet();
      answer = PairFixture.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
    STATUSES.merge(answer.statusCode(), 1, Integer::sum);
    assertThat(answer.statusCode()).as("%s %s: %s", request.method(), request.uri(), answer.body())
        .isBetween(200, 499);
  }

  /** A request to any route, built from a seeded random source that jqwik draws. */
  @Provide
  Arbitrary<HttpRequest> requests() {
    return Arbitraries.randomValue(random -> request(RouteTable.routes().get(random.nextInt(
        RouteTable.routes().size())), random));
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
      case 5 -> java.util.Arrays.asList(value(random, depth + 1), value(random, depth + 1));
      default -> java.util.Collections.singletonMap("k", value(random, depth + 1));
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
