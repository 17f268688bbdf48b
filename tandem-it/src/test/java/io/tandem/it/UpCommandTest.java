package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.json.Json;
import io.tandem.tls.TlsIdentity;
import io.tandem.tls.TlsTrust;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem up} starts a working stack with zero set-up, on HTTPS with a certificate it makes and media sealed
 * under a key it makes, stops cleanly, and resumes with its calls.
 */
class UpCommandTest {
  @TempDir
  Path root;

  private HttpClient http;
  /** The admin token the first start printed. */
  private String token;

  @Test
  void upRecordsSimulatedCallsAndResumesThemAfterAStop() throws Exception {
    Path data = root.resolve("data");
    int port = RecorderProcess.freePortBlock();
    String manager = "https://127.0.0.1:" + port;
    Process up = startUp(data, port);
    Path ca = data.resolve("tls").resolve("ca.pem");
    String printed = Files.readString(upLog);
    TlsIdentity served = TlsIdentity.fromPem(ca, data.resolve("tls").resolve("tandem.key"), "ca.pem", "tandem.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls").resolve("tandem.key"))))
        .isEqualTo("rw-------");
    assertThat(printed).contains("SHA-256 fingerprint " + served.fingerprint()).contains("--ca " + ca);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("media.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("manager.secret"))))
        .isEqualTo("rw-------");
    Matcher tokenLine = Pattern.compile("Admin API token +(tdm_[A-Za-z0-9_-]+)").matcher(printed);
    Matcher passwordLine = Pattern.compile("Admin user +'admin', password ([A-Za-z0-9_-]+)").matcher(printed);
    assertThat(tokenLine.find()).as("the first start prints an admin token: %s", printed).isTrue();
    assertThat(passwordLine.find()).as("the first start prints the admin's password: %s", printed).isTrue();
    token = tokenLine.group(1);
    http = HttpClient.newBuilder().sslContext(TlsTrust.of(ca, "ca.pem")).build();
    try {
      assertThat(getJson(manager + "/ready").get("status").asText()).isEqualTo("ready");
      HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(manager + "/api/pairs")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(manager + "/api/login"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"admin\",\"password\":\"" + passwordLine.group(1)
              + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
      assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> assertThat(cookie)
          .contains("tandem_session=").contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Secure"));
      Path out = root.resolve("simulate.log");
      Process simulate = RecorderProcess.launch(List.of("simulate", "--manager", manager, "--ca", ca.toString(),
          "--token", token, "--conversations", "3", "--cps", "3", "--duration", "2"), out);
      assertThat(simulate.waitFor(60, TimeUnit.SECONDS)).isTrue();
      List<String> lines = Files.readAllLines(out);
      assertThat(lines).as("simulate's output").isNotEmpty();
      assertThat(lines.getLast()).as("simulate's summary, the last line of %s", lines).startsWith("{");
      JsonNode summary = Json.MAPPER.readTree(lines.getLast());
      assertThat(summary.get("conversationsSent").asInt()).isEqualTo(3);
      assertThat(summary.get("failures").asInt()).isZero();
      assertThat(simulate.exitValue()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> getJson(manager + "/api/interactions").size() == 3);
    } finally {
      stop(up);
    }
    assertThat(up.exitValue()).as("exit status after a clean stop").isIn(0, 130, 143);

    Process again = startUp(data, port);
    assertThat(Files.readString(upLog)).as("credentials are printed once").doesNotContain(token)
        .doesNotContain("Admin API token");
    try {
      assertThat(getJson(manager + "/ready").get("status").asText())
          .as("ready as soon as 'tandem up' says so").isEqualTo("ready");
      assertThat(getJson(manager + "/api/interactions")).hasSize(3);
      assertTheDatabaseKeepsTheAuditFromTheStack(data, port + 5);
      JsonNode pairs = getJson(manager + "/api/pairs");
      assertThat(pairs).hasSize(1);
      assertThat(pairs.get(0).get("recorders")).hasSize(2);
      // A warm start: the Manager's watches begin before the recorder JVMs listen, and must not fail the pair over.
      assertThat(pairs.get(0).get("epoch").asLong()).as("no failover at a warm start").isEqualTo(1);
      for (JsonNode recorder : pairs.get(0).get("recorders")) {
        assertThat(recorder.get("role").asText()).as("roles as configured")
            .isEqualTo("MAIN".equals(recorder.get("position").asText()) ? "PRIMARY" : "SECONDARY");
      }
      for (JsonNode event : getJson(manager + "/api/events")) {
        assertThat(event.get("type").asText()).as("events of a warm start").isNotEqualTo("FAILOVER");
      }
    } finally {
      stop(again);
    }
  }

  @Test
  void upWithTwoPairsSpreadsCallsOverBothAndIsReadyOnlyWhileEveryPairIs() throws Exception {
    Path data = root.resolve("two-pairs");
    int port = RecorderProcess.freePortBlock();
    String manager = "https://127.0.0.1:" + port;
    Process up = startUp(data, port, "--pairs", "2");
    try {
      String printed = Files.readString(upLog);
      assertThat(printed).contains("Pair pair-1", "Pair pair-2", "serial 100003", "serial 100004", "--pair all");
      Matcher tokenLine = Pattern.compile("Admin API token +(tdm_[A-Za-z0-9_-]+)").matcher(printed);
      assertThat(tokenLine.find()).as("the first start prints an admin token: %s", printed).isTrue();
      token = tokenLine.group(1);
      Path ca = data.resolve("tls").resolve("ca.pem");
      http = HttpClient.newBuilder().sslContext(TlsTrust.of(ca, "ca.pem")).build();
      assertThat(getJson(manager + "/ready").get("status").asText()).isEqualTo("ready");
      JsonNode pairs = getJson(manager + "/api/pairs");
      assertThat(pairs).extracting(pair -> pair.get("name").asText()).containsExactly("pair-1", "pair-2");
      for (JsonNode pair : pairs) {
        assertThat(pair.get("recorders")).hasSize(2).allSatisfy(recorder -> assertThat(recorder.get("healthy")
            .asBoolean()).as("%s", recorder).isTrue());
      }
      assertThat(pairs.get(1).get("recorders")).extracting(recorder -> recorder.get("sipAddress").asText())
          .containsExactly("127.0.0.1:" + (port + 8), "127.0.0.1:" + (port + 9));

      Path out = root.resolve("simulate-all.log");
      Process simulate = RecorderProcess.launch(List.of("simulate", "--manager", manager, "--ca", ca.toString(),
          "--token", token, "--pair", "all", "--conversations", "4", "--cps", "4", "--duration", "2"), out);
      assertThat(simulate.waitFor(60, TimeUnit.SECONDS)).isTrue();
      List<String> lines = Files.readAllLines(out);
      assertThat(lines).as("simulate's output").isNotEmpty();
      assertThat(lines.getLast()).as("simulate's summary, the last line of %s", lines).startsWith("{");
      JsonNode summary = Json.MAPPER.readTree(lines.getLast());
      assertThat(summary.get("failures").asInt()).as("%s", lines).isZero();
      assertThat(summary.get("callsPerRecorder")).hasSize(4).allSatisfy(calls -> assertThat(calls.asInt())
          .isEqualTo(2));
      await().atMost(Duration.ofSeconds(30)).until(() -> getJson(manager + "/api/interactions").size() == 4);

      List<ProcessHandle> secondPair = up.descendants().filter(child -> commandLine(child).contains(
          data.resolve("pair-2").toString())).toList();
      assertThat(secondPair).as("pair-2's recorder processes").hasSize(2);
      signal("STOP", secondPair);
      try {
        // One answer, its status and its reason together: while the RRC acts on the frozen pair, readiness may flap.
        await().atMost(Duration.ofSeconds(30)).until(() -> ready(manager), answer -> answer.statusCode() == 503
            && answer.body().contains("pair pair-2"));
      } finally {
        signal("CONT", secondPair);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> status(manager + "/ready") == 200);
    } finally {
      stop(up);
    }
  }

  private int status(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private HttpResponse<String> ready(String manager) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(manager + "/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The process's command line as Linux keeps it (the JDK's own view of it may leave the arguments out). */
  private static String commandLine(ProcessHandle process) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static void signal(String name, List<ProcessHandle> processes) throws Exception {
    for (ProcessHandle process : processes) {
      int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
      assertThat(exit).as("kill -%s %d", name, process.pid()).isZero();
    }
  }

  private Path upLog;

  /**
   * The stack's database asks every client for a password, and the role its processes connect as is no superuser:
   * it reads the audit and cannot change it.
   */
  private static void assertTheDatabaseKeepsTheAuditFromTheStack(Path data, int postgresPort) throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("database.secrets"))))
        .isEqualTo("rw-------");
    java.util.Properties passwords = new java.util.Properties();
    try (var in = Files.newBufferedReader(data.resolve("database.secrets"))) {
      passwords.load(in);
    }
    String url = "jdbc:postgresql://localhost:" + postgresPort + "/postgres";
    assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "postgres", "").close())
        .as("the superuser without its password").hasMessageContaining("password");
    try (java.sql.Connection app = java.sql.DriverManager.getConnection(url, "tandem",
        passwords.getProperty("application")); java.sql.Statement statement = app.createStatement()) {
      try (var rows = statement.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
        assertThat(rows.next() && !rows.getBoolean(1)).as("the application's role is no superuser").isTrue();
      }
      try (var rows = statement.executeQuery("SELECT count(*) FROM audit")) {
        assertThat(rows.next() && rows.getLong(1) > 0).as("audit rows the stack wrote").isTrue();
      }
      assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit SET result = 'forged'"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit")).hasMessageContaining("permission denied");
    }
  }

  private JsonNode getJson(String url) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as("GET %s: %s", url, answer.body()).isEqualTo(200);
    return Json.MAPPER.readTree(answer.body());
  }

  private Process startUp(Path data, int port, String... more) throws Exception {
    Path log = Files.createTempFile(root, "up", ".log");
    upLog = log;
    List<String> args = new java.util.ArrayList<>(List.of("up", "--data", data.toString(), "--port",
        Integer.toString(port)));
    args.addAll(List.of(more));
    Process up = RecorderProcess.launch(args, log);
    await().atMost(Duration.ofSeconds(150)).until(() -> {
      if (!up.isAlive()) {
        throw new AssertionError("tandem up exited: " + Files.readString(log));
      }
      return Files.readString(log).contains("Press Ctrl-C to stop");
    });
    return up;
  }

  private static void stop(Process up) throws InterruptedException {
    up.destroy();
    // A first stop writes each recorder's startup cache: four at once on a busy machine take more than a minute.
    if (!up.waitFor(150, TimeUnit.SECONDS)) {
      up.destroyForcibly().waitFor();
    }
  }
}
