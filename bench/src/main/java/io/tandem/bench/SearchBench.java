package io.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.CallRole;
import io.tandem.database.CallDatabase;
import io.tandem.database.CallMonths;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.InteractionSearch;
import io.tandem.json.Json;
import io.tandem.manager.ManagerConfig;
import io.tandem.manager.ManagerAssembly;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Searching interactions through the Recorder Manager's {@code GET /api/interactions}, against the same query's
 * plan alone in the server ({@code EXPLAIN ANALYZE}'s execution time, which the Manager's answer adds the
 * copies' look-up, JSON and HTTP to), over a call database of {@code INTERACTIONS} interactions with two copies
 * each, spread over 30 days, each with two participants whose numbers are their own. Each kind of search a user
 * makes (the newest page, a partial number, a name, a recorder's truncated calls, a length within a week, calls
 * with quirks, a page deep in the list by cursor) is run {@code RUNS} times with values drawn afresh, after a
 * warm-up, in a page of 50. Prints p50 and p99 of each, and of all together.
 *
 * <p>Run: {@code bench/run search [INTERACTIONS] [RUNS]} (defaults 1000000; 200).
 */
public final class SearchBench {
  private static final int MAIN = 900_001;
  private static final int BACKUP = 900_002;
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static final int PAGE = 50;
  /** The API token the searches are asked with, a supervisor's. */
  private static String token;

  private record Kind(String name, IntFunction<InteractionSearch> search) {}

  public static void main(String[] args) throws Exception {
    int interactions = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path dir = Files.createTempDirectory("tandem-search-bench");
    try (EmbeddedDatabase server = EmbeddedDatabase.start(dir.resolve("postgres"), 0)) {
      CallDatabase database = CallDatabase.connect(server.config(4));
      database.migrate();
      token = database.credentials().addToken("bench", io.tandem.access.AccessRole.SUPERVISOR, "search bench").token();
      long began = System.nanoTime();
      fill(server.jdbcUrl(), interactions);
      System.out.printf("filled %d interactions with %d copies in %.1f s%n", interactions, 2L * interactions,
          (System.nanoTime() - began) / 1e9);
      // The search text, written as the Manager's pass writes it after marking, in batches of its size.
      began = System.nanoTime();
      long indexed = 0;
      int taken;
      while ((taken = database.indexForSearch(5_000)) > 0) {
        indexed += taken;
      }
      double indexSeconds = (System.nanoTime() - began) / 1e9;
      System.out.printf("wrote the search text of %d interactions in %.1f s (%.0f interactions/s)%n", indexed,
          indexSeconds, indexed / indexSeconds);
      try (java.sql.Connection connection = java.sql.DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
          java.sql.Statement statement = connection.createStatement()) {
        statement.execute("VACUUM ANALYZE interaction_search, interaction_names, known_names, search_queue");
      }
      ManagerAssembly manager = new ManagerAssembly(new ManagerConfig("127.0.0.1", 0, server.jdbcUrl(), "postgres", "",
          Duration.ofSeconds(5), 3), database);
      manager.start();
      try {
        measure(database, "http://127.0.0.1:" + manager.port(), interactions, runs);
      } finally {
        manager.stop();
        database.close();
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** Interactions and their Main and Backup copies, written by the server itself in one statement each. */
  private static void fill(String jdbcUrl, int interactions) throws Exception {
    long seconds = Duration.ofDays(30).toSeconds();
    try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
        Statement statement = connection.createStatement()) {
      // Each month of the calls in a partition of its own, as the Manager makes them ahead.
      statement.execute("SELECT create_call_month(m) FROM generate_series(call_month(timestamptz '%s'),"
          .formatted(T0) + " call_month(timestamptz '%s')) m".formatted(T0.plusSeconds(seconds)));
      statement.execute("""
          INSERT INTO interactions (id, correlation_key, start_time, end_time, best_inum, participants)
          SELECT interaction_month(s)::bigint << %d | g, 'bench-' || g, s,
            s + ((30 + (g * 37) %% 900) || ' seconds')::interval, %d000000000 + g,
            jsonb_build_array(
              jsonb_build_object('id', 'p1', 'name', 'Agent ' || (g %% 2000),
                'aor', 'sip:+4420' || lpad(((g::bigint * 7919) %% 100000000)::text, 8, '0') || '@sbc.example.com'),
              jsonb_build_object('id', 'p2', 'name', '',
                'aor', 'sip:+1555' || lpad(((g::bigint * 104729) %% 10000000)::text, 7, '0') || '@carrier.example.net'))
          FROM generate_series(1, %d) g,
            LATERAL (SELECT timestamptz '%s' + (g::bigint * %d / %d || ' seconds')::interval AS s) t
          """.formatted(CallMonths.MONTH_SHIFT, MAIN, interactions, T0, seconds, interactions));
      statement.execute("SELECT setval('interactions_id_seq', " + interactions + ")");
      for (int serial : new int[] {MAIN, BACKUP}) {
        boolean main = serial == MAIN;
        statement.execute("""
            INSERT INTO copies (inum, interaction_id, serial, call_role, complete, duration_ms, media_bytes,
              packets_received, packets_lost, start_time, end_time, marked_epoch, marked_at, quirks, correlation_key)
            SELECT %d000000000 + i.n, i.id, %d, '%s', %s, extract(epoch FROM i.end_time - i.start_time) * 1000,
              extract(epoch FROM i.end_time - i.start_time) * 16000, 0, 0, i.start_time, i.end_time, 1, now(),
              CASE WHEN i.n %% 100 = 0 THEN '["no-metadata"]'::jsonb ELSE '[]'::jsonb END, i.correlation_key
            FROM (SELECT *, id & %d AS n FROM interactions) i
            """.formatted(serial, serial, main ? "MASTER" : "SLAVE", main ? "i.n % 50 <> 0" : "true",
            (1L << CallMonths.MONTH_SHIFT) - 1));
      }
      statement.execute("VACUUM ANALYZE");
    }
  }

  private static void measure(CallDatabase database, String manager, int interactions, int runs) throws Exception {
    Random random = new Random(20261202);
    long span = Duration.ofDays(30).toSeconds();
    List<Kind> kinds = List.of(
        new Kind("newest page", run -> InteractionSearch.all(PAGE)),
        new Kind("partial number", run -> participant(number(1 + random.nextInt(interactions)))),
        new Kind("name", run -> participant("agent " + random.nextInt(2000))),
        new Kind("recorder's truncated", run -> new InteractionSearch(null, null, null, MAIN, null, null, null, false,
            null, true, null, PAGE)),
        new Kind("length in a week", run -> {
          Instant from = T0.plusSeconds(random.nextLong(span - 7 * 86_400L));
          return new InteractionSearch(from, from.plus(Duration.ofDays(7)), null, null, null, Duration.ofSeconds(300),
              Duration.ofSeconds(400), null, null, true, null, PAGE);
        }),
        new Kind("with quirks", run -> new InteractionSearch(null, null, null, null, null, null, null, null, true,
            true, null, PAGE)),
        new Kind("deep page", run -> {
          long id = 1 + random.nextInt(interactions);
          return InteractionSearch.all(PAGE).after(new InteractionSearch.Cursor(T0.plusSeconds(id * span / interactions),
              id));
        }));
    HttpClient http = HttpClient.newHttpClient();
    List<Double> allApi = new ArrayList<>();
    List<Double> allPlan = new ArrayList<>();
    System.out.printf("%-22s %10s %10s %10s %10s %8s%n", "search (page of 50)", "api p50", "api p99", "plan p50",
        "plan p99", "p99/p99");
    for (Kind kind : kinds) {
      for (int i = 0; i < runs / 4; i++) {
        get(http, manager, kind.search().apply(i));
      }
      double[] api = new double[runs];
      double[] plan = new double[runs];
      double[] jdbc = new double[runs];
      for (int i = 0; i < runs; i++) {
        InteractionSearch search = kind.search().apply(i);
        long start = System.nanoTime();
        get(http, manager, search);
        api[i] = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        database.search(search);
        jdbc[i] = (System.nanoTime() - start) / 1e6;
        for (String asked : database.explainSearch(search)) {
          plan[i] += Json.MAPPER.readTree(asked).get(0).get("Execution Time").asDouble();
        }
      }
      Arrays.stream(api).forEach(allApi::add);
      Arrays.stream(plan).forEach(allPlan::add);
      System.out.printf("%-22s %8.2f ms %8.2f ms %8.2f ms %8.2f ms %8.2f   (in process: %.2f ms p50)%n", kind.name(),
          percentile(api, 50), percentile(api, 99), percentile(plan, 50), percentile(plan, 99),
          percentile(api, 99) / percentile(plan, 99), percentile(jdbc, 50));
    }
    double[] api = allApi.stream().mapToDouble(Double::doubleValue).toArray();
    double[] plan = allPlan.stream().mapToDouble(Double::doubleValue).toArray();
    System.out.printf("%-22s %8.2f ms %8.2f ms %8.2f ms %8.2f ms %8.2f%n", "all", percentile(api, 50),
        percentile(api, 99), percentile(plan, 50), percentile(plan, 99), percentile(api, 99) / percentile(plan, 99));
  }

  /** Six digits from the middle of a participant's number, as someone who remembers part of it types them. */
  private static String number(int interaction) {
    String digits = String.format("%08d", (interaction * 7919L) % 100_000_000L);
    return digits.substring(1, 7);
  }

  private static InteractionSearch participant(String text) {
    return new InteractionSearch(null, null, text, null, null, null, null, null, null, true, null, PAGE);
  }

  private static void get(HttpClient http, String manager, InteractionSearch search) throws Exception {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("limit", Integer.toString(search.limit()));
    if (search.from() != null) {
      query.put("from", search.from().toString());
      query.put("to", search.to().toString());
    }
    if (search.participant() != null) {
      query.put("participant", search.participant());
    }
    if (search.serial() != null) {
      query.put("serial", search.serial().toString());
    }
    if (search.minDuration() != null) {
      query.put("minDuration", Long.toString(search.minDuration().toSeconds()));
      query.put("maxDuration", Long.toString(search.maxDuration().toSeconds()));
    }
    if (search.complete() != null) {
      query.put("complete", search.complete().toString());
    }
    if (search.withQuirks() != null) {
      query.put("quirks", search.withQuirks().toString());
    }
    if (search.after() != null) {
      query.put("cursor", search.after().text());
    }
    StringBuilder url = new StringBuilder(manager).append("/api/interactions");
    query.forEach((name, value) -> url.append(url.indexOf("?") < 0 ? '?' : '&').append(name).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url.toString()))
        .header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + answer.statusCode() + ": " + answer.body());
    }
    JsonNode page = Json.MAPPER.readTree(answer.body());
    if (search.participant() != null && page.isEmpty() && search.participant().matches("\\d+")) {
      throw new IllegalStateException("no interaction found for a number that exists: " + url);
    }
  }

  private static double percentile(double[] values, int percent) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
