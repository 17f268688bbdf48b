package io.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseConfig;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.json.Json;
import io.tandem.manager.ManagerConfig;
import io.tandem.manager.ManagerAssembly;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real pair for integration tests: embedded PostgreSQL, the Recorder Manager, and a Main and a Backup
 * recorder as separate OS processes started from the built distribution.
 */
final class PairFixture implements AutoCloseable {
  /** Calls the Manager and the recorders with the tests' admin token. */
  static final HttpClient HTTP = new AuthenticatedHttpClient(HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).sslContext(TestCertificate.TRUST).build(), TestAccess.ADMIN_TOKEN);

  final Path root;
  final int postgresPort;
  final Path archive;
  private String managerScheme = "http";
  EmbeddedDatabase postgres;
  CallDatabase database;
  ManagerAssembly manager;
  ManagerProcess managerProcess;
  final RecorderProcess main;
  final RecorderProcess backup;

  PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase) throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, false);
  }

  /** With {@code managerAsProcess} the Recorder Manager runs as an OS process of its own, to be killed -9. */
  PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, boolean managerAsProcess) throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, managerAsProcess, "500ms");
  }

  /**
   * {@code healthInterval} is the Recorder Manager's health interval, as a config file writes it; a long one
   * keeps the RRC from failing the pair over within a test that stops the Main on purpose.
   */
  PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, boolean managerAsProcess,
      String healthInterval) throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, managerAsProcess, healthInterval, Map.of());
  }

  /** {@code recorderSettings} are added to both recorders' config files, such as {@code gap.grace}. */
  PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, boolean managerAsProcess,
      String healthInterval, Map<String, String> recorderSettings) throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, 2000, managerAsProcess, healthInterval, recorderSettings, Map.of(),
        Map.of());
  }

  /**
   * {@code recorderSettings} go to both recorders' config files and {@code managerSettings} to the in-process
   * Recorder Manager's, such as TLS and media keys.
   */
  static PairFixture with(Path root, int mainSerial, int backupSerial, int rtpBase, Map<String, String> recorderSettings,
      Map<String, String> managerSettings, Map<String, String> backupSettings) throws Exception {
    return new PairFixture(root, mainSerial, backupSerial, rtpBase, 2000, false, "500ms", recorderSettings,
        managerSettings, Map.of(), backupSettings);
  }

  /** {@code managerSettings} are added to the Recorder Manager's config, such as {@code notify.*} keys. */
  PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, boolean managerAsProcess,
      String healthInterval, Map<String, String> recorderSettings, Map<String, String> managerSettings)
      throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, 2000, managerAsProcess, healthInterval, recorderSettings,
        managerSettings, Map.of());
  }

  /** Each recorder gets {@code rtpPorts} RTP ports: the Main's from {@code rtpBase}, the Backup's right above. */
  PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, int rtpPorts) throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, rtpPorts, false, "500ms", Map.of(), Map.of(), Map.of());
  }

  /**
   * {@code mainSettings} are added to the Main's config file only, such as a data directory of its own
   * ({@code recorder.dataDir}; its config file and log stay under {@code root}).
   */
  PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, int rtpPorts, Map<String, String> mainSettings)
      throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, rtpPorts, false, "500ms", Map.of(), Map.of(), mainSettings);
  }

  /**
   * {@code recorderSettings} go to both recorders' config files, {@code mainSettings} to the Main's over them, such
   * as a port each recorder needs its own of.
   */
  PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, Map<String, String> recorderSettings,
      Map<String, String> mainSettings) throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, 2000, false, "500ms", recorderSettings, Map.of(), mainSettings);
  }

  /** A pair of the given serials and first RTP port, with every other choice at its default until set. */
  static Builder builder(Path root, int mainSerial, int backupSerial, int rtpBase) {
    return new Builder(root, mainSerial, backupSerial, rtpBase);
  }

  /** The choices of a fixture, each with the default the constructors use; {@link #start} makes the pair. */
  static final class Builder {
    private final Path root;
    private final int mainSerial;
    private final int backupSerial;
    private final int rtpBase;
    private int rtpPorts = 2000;
    private boolean managerAsProcess;
    private String healthInterval = "500ms";
    private Map<String, String> recorderSettings = Map.of();
    private Map<String, String> managerSettings = Map.of();
    private Map<String, String> mainSettings = Map.of();
    private boolean archiving = true;

    private Builder(Path root, int mainSerial, int backupSerial, int rtpBase) {
      this.root = root;
      this.mainSerial = mainSerial;
      this.backupSerial = backupSerial;
      this.rtpBase = rtpBase;
    }

    /** RTP ports each recorder gets: the Main's from the base, the Backup's right above (default 2000). */
    Builder rtpPorts(int ports) {
      this.rtpPorts = ports;
      return this;
    }

    Builder managerAsProcess() {
      this.managerAsProcess = true;
      return this;
    }

    /** The Recorder Manager's health interval as a config file writes it (default 500ms). */
    Builder healthInterval(String interval) {
      this.healthInterval = interval;
      return this;
    }

    /** Settings added to both recorders' config files, such as {@code gap.grace}. */
    Builder recorderSettings(Map<String, String> settings) {
      this.recorderSettings = settings;
      return this;
    }

    /** Settings added to the Recorder Manager's config, such as {@code notify.*} keys. */
    Builder managerSettings(Map<String, String> settings) {
      this.managerSettings = settings;
      return this;
    }

    /** Settings added to the Main's config file only. */
    Builder mainSettings(Map<String, String> settings) {
      this.mainSettings = settings;
      return this;
    }

    /** No archive rule: every copy stays in its recorder's call buffer only (default: one rule, all calls). */
    Builder withoutArchiving() {
      this.archiving = false;
      return this;
    }

    PairFixture start() throws Exception {
      return new PairFixture(root, mainSerial, backupSerial, rtpBase, rtpPorts, managerAsProcess, healthInterval,
          recorderSettings, managerSettings, mainSettings, Map.of(), archiving);
    }
  }

  private PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, int rtpPorts,
      boolean managerAsProcess, String healthInterval, Map<String, String> recorderSettings,
      Map<String, String> managerSettings, Map<String, String> mainSettings) throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, rtpPorts, managerAsProcess, healthInterval, recorderSettings,
        managerSettings, mainSettings, Map.of());
  }

  private PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, int rtpPorts,
      boolean managerAsProcess, String healthInterval, Map<String, String> recorderSettings,
      Map<String, String> managerSettings, Map<String, String> mainSettings, Map<String, String> backupSettings)
      throws Exception {
    this(root, mainSerial, backupSerial, rtpBase, rtpPorts, managerAsProcess, healthInterval, recorderSettings,
        managerSettings, mainSettings, backupSettings, true);
  }

  private PairFixture(Path root, int mainSerial, int backupSerial, int rtpBase, int rtpPorts,
      boolean managerAsProcess, String healthInterval, Map<String, String> recorderSettings,
      Map<String, String> managerSettings, Map<String, String> mainSettings, Map<String, String> backupSettings,
      boolean archiving) throws Exception {
    this.root = root;
    this.postgresPort = RecorderProcess.freePort();
    this.archive = root.resolve("archive");
    Files.createDirectories(archive);
    try {
      startPostgres();
      database = CallDatabase.connect(new DatabaseConfig(postgres.jdbcUrl(), "postgres", "", 4));
      database.migrate();
      TestAccess.provision(postgres.jdbcUrl());
      if (archiving && database.rules().isEmpty()) {
        database.addRule("all calls", null, 0, archive, true);
      }
      if (managerAsProcess) {
        managerProcess = new ManagerProcess(root.resolve("manager"), postgres.jdbcUrl(), healthInterval, 3,
            managerSettings).start();
      } else {
        managerScheme = managerSettings.containsKey("manager.tls.keystore")
            || managerSettings.containsKey("manager.tls.certificate") ? "https" : "http";
        manager = new ManagerAssembly(managerConfig(postgres.jdbcUrl(), healthInterval, managerSettings), database);
        manager.start();
      }
      main = new RecorderProcess(mainSerial, "pair-" + mainSerial, Position.MAIN, root.resolve("main"),
          postgres.jdbcUrl(), rtpBase, withAll(rtpRange(recorderSettings, rtpBase, rtpPorts), mainSettings));
      backup = new RecorderProcess(backupSerial, "pair-" + mainSerial, Position.BACKUP, root.resolve("backup"),
          postgres.jdbcUrl(), rtpBase + rtpPorts, withAll(rtpRange(recorderSettings, rtpBase + rtpPorts, rtpPorts), backupSettings));
      main.start();
      backup.start();
    } catch (Exception | Error e) {
      // Whatever started before the failure is stopped here: the test never gets a fixture to close.
      try {
        close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static Map<String, String> withAll(Map<String, String> settings, Map<String, String> more) {
    Map<String, String> all = new java.util.HashMap<>(settings);
    all.putAll(more);
    return all;
  }

  private static Map<String, String> rtpRange(Map<String, String> settings, int first, int ports) {
    Map<String, String> withRange = new java.util.HashMap<>(settings);
    withRange.put("rtp.portMin", Integer.toString(first));
    withRange.put("rtp.portMax", Integer.toString(first + ports - 1));
    return withRange;
  }

  /** The config of an in-process Recorder Manager, read as its config file would be. */
  private static ManagerConfig managerConfig(String databaseUrl, String healthInterval, Map<String, String> settings) {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("manager.port", "0");
    properties.setProperty("database.url", databaseUrl);
    properties.setProperty("health.interval", healthInterval);
    properties.setProperty("health.misses", "3");
    properties.setProperty("manager.secret", TestAccess.MANAGER_SECRET);
    settings.forEach(properties::setProperty);
    return ManagerConfig.from(io.tandem.config.ConfigFile.of(properties));
  }

  void startPostgres() throws IOException {
    postgres = EmbeddedDatabase.start(root.resolve("postgres"), postgresPort);
  }

  void stopPostgres() {
    postgres.close();
  }

  List<InetSocketAddress> sipAddresses() {
    return List.of(new InetSocketAddress("127.0.0.1", main.sipPort), new InetSocketAddress("127.0.0.1", backup.sipPort));
  }

  String managerUrl() {
    return managerProcess != null ? managerProcess.url() : managerScheme + "://127.0.0.1:" + manager.port();
  }

  /** The recorder that is primary now, as the call database says. */
  RecorderProcess primary() throws Exception {
    for (var pair : database.pairs()) {
      for (var recorder : pair.recorders()) {
        if (recorder.role() == io.tandem.call.Role.PRIMARY) {
          return recorder.serial().equals(Integer.toString(main.serial)) ? main : backup;
        }
      }
    }
    throw new IllegalStateException("the pair has no primary");
  }

  RecorderProcess other(RecorderProcess recorder) {
    return recorder == main ? backup : main;
  }

  /** Every event the Recorder Manager serves, oldest first. */
  JsonNode events() throws IOException, InterruptedException {
    return getJson(managerUrl() + "/api/events");
  }

  /**
   * The stacks of the Recorder Manager's threads, for a test to print when the Manager did not do in time what it
   * waited for: the threads of this JVM for a Manager in process, {@code jcmd Thread.print} of a Manager process.
   */
  String managerThreads() {
    if (managerProcess == null) {
      StringBuilder dump = new StringBuilder();
      Thread.getAllStackTraces().forEach((thread, stack) -> {
        dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
        for (StackTraceElement frame : stack) {
          dump.append("    at ").append(frame).append('\n');
        }
      });
      return dump.toString();
    }
    try {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(managerProcess.pid()), "Thread.print").redirectErrorStream(true).start();
      return new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "no thread dump of the Manager process: " + e.getMessage();
    }
  }

  /**
   * The one interaction the Manager lists, whole (its copies with their archive state); null while there is none.
   *
   * @throws IllegalStateException when the Manager lists more than one
   */
  JsonNode onlyInteraction() throws IOException, InterruptedException {
    JsonNode interactions = getJson(managerUrl() + "/api/interactions?limit=10");
    if (interactions.size() > 1) {
      throw new IllegalStateException("one conversation, but the Manager lists " + interactions.size()
          + " interactions: " + interactions);
    }
    return interactions.isEmpty() ? null : getJson(managerUrl() + "/api/interactions/"
        + interactions.get(0).get("id").asText());
  }

  /** The call {@code recorder} is recording now, as its {@code /api/calls} lists it, or null. */
  static JsonNode recordingCall(RecorderProcess recorder) throws Exception {
    for (JsonNode call : getJson(recorder.adminUrl() + "/api/calls")) {
      if ("RECORDING".equals(call.get("state").asText())) {
        return call;
      }
    }
    return null;
  }

  static JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return Json.MAPPER.readTree(response.body());
  }

  static HttpResponse<byte[]> getBytes(String url, String range) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (range != null) {
      request.header("Range", range);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() throws Exception {
    if (main != null) {
      main.close();
    }
    if (backup != null) {
      backup.close();
    }
    if (manager != null) {
      manager.stop();
    }
    if (managerProcess != null) {
      managerProcess.close();
    }
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }
}
