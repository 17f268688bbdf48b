package io.tandem.it;

import io.tandem.call.Position;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** A real recorder process started from the built distribution, as an administrator would run it. */
final class RecorderProcess implements AutoCloseable {
  /** Ports {@link #freePort} has handed out, never handed out twice. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
  static final Path LIB = Path.of("..", "tandem-dist", "target", "lib").toAbsolutePath().normalize();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
      .sslContext(TestCertificate.TRUST).build();

  final int serial;
  final Position position;
  final Path dataDir;
  final int sipPort;
  final int adminPort;
  private final String scheme;
  private final String adminHost;
  private final String sipHost;
  private final Path config;
  private List<String> launcher = List.of();
  private Process process;

  RecorderProcess(int serial, String pair, Position position, Path dataDir, String databaseUrl, int rtpBase)
      throws IOException {
    this(serial, pair, position, dataDir, databaseUrl, rtpBase, Map.of());
  }

  /** {@code settings} are further keys of the recorder's config file, written as given. */
  RecorderProcess(int serial, String pair, Position position, Path dataDir, String databaseUrl, int rtpBase,
      Map<String, String> settings) throws IOException {
    this.serial = serial;
    this.position = position;
    this.dataDir = dataDir;
    // The recorder refuses a SIP or admin port inside its own RTP range, and the system's ephemeral ports
    // overlap the ranges the tests give.
    int rtpMin = Integer.parseInt(settings.getOrDefault("rtp.portMin", Integer.toString(rtpBase)));
    int rtpMax = Integer.parseInt(settings.getOrDefault("rtp.portMax", Integer.toString(rtpBase + 1999)));
    this.sipPort = freePortOutside(rtpMin, rtpMax);
    this.adminPort = freePortOutside(rtpMin, rtpMax);
    this.scheme = settings.containsKey("admin.tls.keystore") || settings.containsKey("admin.tls.certificate")
        ? "https" : "http";
    this.adminHost = settings.getOrDefault("admin.host", "127.0.0.1");
    this.sipHost = settings.getOrDefault("sip.host", "127.0.0.1");
    Files.createDirectories(dataDir);
    Properties properties = new Properties();
    properties.setProperty("recorder.serial", Integer.toString(serial));
    properties.setProperty("recorder.pair", pair);
    properties.setProperty("recorder.position", position.name());
    properties.setProperty("recorder.dataDir", dataDir.toString());
    properties.setProperty("sip.port", Integer.toString(sipPort));
    properties.setProperty("admin.port", Integer.toString(adminPort));
    properties.setProperty("rtp.portMin", Integer.toString(rtpBase));
    properties.setProperty("rtp.portMax", Integer.toString(rtpBase + 1999));
    properties.setProperty("database.url", databaseUrl);
    properties.setProperty("database.user", "postgres");
    // A floor of its own, so that the suite does not depend on how full the machine's disk is (the default is
    // the larger of 1 GiB and 2 % of the filesystem); the disk-full test sets its own.
    properties.setProperty("disk.floor", "64MiB");
    // The tests' SBCs (the simulator, sipp, raw dialogs) all send from this machine.
    properties.setProperty("sip.allow", "127.0.0.0/8, ::1");
    properties.setProperty("manager.secret", TestAccess.MANAGER_SECRET);
    settings.forEach(properties::setProperty);
    config = dataDir.resolve("recorder.properties");
    try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      properties.store(writer, null);
    }
  }

  /** Started through {@code launcher} from now on, a command prefix such as {@code ip netns exec NAME}. */
  RecorderProcess launchedBy(List<String> launcher) {
    this.launcher = List.copyOf(launcher);
    return this;
  }

  RecorderProcess start() throws IOException, InterruptedException {
    process = launch(launcher, List.of("recorder", "--config", config.toString()), dataDir.resolve("recorder.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("recorder " + serial + " exited with " + process.exitValue() + ": "
            + Files.readString(dataDir.resolve("recorder.log")) + "\nsockets on its SIP and admin ports now:\n"
            + socketsOn(sipPort, adminPort));
      }
      if (healthy()) {
        return this;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("recorder " + serial + " did not become healthy");
  }

  /** Starts {@code tandem <args>} from the distribution with its output appended to {@code log}. */
  static Process launch(List<String> args, Path log) throws IOException {
    return launch(List.of(), args, log);
  }

  /** As {@link #launch(List, Path)}, through {@code launcher}, a command prefix that execs the rest. */
  static Process launch(List<String> launcher, List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>(launcher);
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "-XX:+UseSerialGC", "-Xmx256m"));
    String more = System.getProperty("tandem.it.jvmOptions", "").trim();
    if (!more.isEmpty()) {
      command.addAll(List.of(more.split("\\s+")));
    }
    command.addAll(List.of("-cp", LIB + "/*", "io.tandem.cli.Tandem"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // The shell and the simulator take the tests' admin token from the environment, as a script would.
    builder.environment().put("TANDEM_TOKEN", TestAccess.ADMIN_TOKEN);
    return builder.start();
  }

  boolean healthy() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/health")).timeout(Duration.ofSeconds(1))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  String adminUrl() {
    return scheme + "://" + adminHost + ":" + adminPort;
  }

  String sipAddress() {
    return sipHost + ":" + sipPort;
  }

  long pid() {
    return process.pid();
  }

  /** kill -9: the process gets no chance to clean up. Returns once it has ended, and fails if it does not. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("recorder " + serial + " (pid " + process.pid() + ") still runs 30 s after kill -9");
    }
  }

  /**
   * What {@code ss} lists on these local ports, with the processes that hold them: when a restarted recorder finds
   * its port taken, the one line of its log does not say by whom.
   */
  static String socketsOn(int... ports) {
    StringBuilder filter = new StringBuilder();
    for (int port : ports) {
      filter.append(filter.length() == 0 ? "( " : " or ").append("sport = :").append(port);
    }
    filter.append(" )");
    try {
      Process ss = new ProcessBuilder("ss", "-Htuanp", filter.toString()).redirectErrorStream(true).start();
      String listed = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      ss.waitFor(5, TimeUnit.SECONDS);
      return listed.isBlank() ? "(none)" : listed;
    } catch (IOException e) {
      return "(ss could not be run: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /** SIGSTOP: the process is frozen as a long pause or a partition would freeze it. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: the frozen process goes on where it stopped, with what it knew then. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  /**
   * Freezes the process for {@code length} (SIGSTOP, then SIGCONT) from a small shell of its own at a raised
   * priority where that is allowed, so that a busy machine that holds up this JVM does not lengthen the freeze.
   *
   * @return how long the process was frozen, as the shell measured it
   */
  Duration freezeFor(Duration length) throws IOException, InterruptedException {
    String seconds = String.format(java.util.Locale.ROOT, "%.3f", length.toNanos() / 1e9);
    Process freezer = new ProcessBuilder("nice", "-n", "-10", "sh", "-c",
        "kill -STOP \"$1\" || exit 1; a=$(date +%s%N); sleep \"$2\"; kill -CONT \"$1\"; b=$(date +%s%N); "
            + "echo $((b - a))", "freezer", Long.toString(process.pid()), seconds)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(freezer.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    if (freezer.waitFor() != 0 || out.isEmpty()) {
      // Whatever happened, the process must not stay frozen.
      resume();
      throw new IllegalStateException("could not freeze recorder " + serial + " (pid " + process.pid() + ")");
    }
    return Duration.ofNanos(Long.parseLong(out));
  }

  private void signal(String name) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + exit);
    }
  }

  /** A clean stop, as Ctrl-C or a service manager would ask for. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /**
   * A port free for both TCP and UDP right now, and never handed out before in this JVM: a recorder's
   * SIP listens on both, a port free for TCP may be held for UDP by some client socket, and the system gives
   * the same free port again to the next caller (a recorder's SIP and admin ports were once the same). Ports
   * are taken from {@link TestPorts}: above every RTP range the tests give, and apart from other test JVMs'.
   */
  static int freePort() throws IOException {
    return freePortOutside(0, -1);
  }

  /** As {@link #freePort()}, never in {@code min..max}. */
  static int freePortOutside(int min, int max) throws IOException {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = TestPorts.candidate(1);
      if (HANDED_OUT.contains(port) || (port >= min && port <= max)) {
        continue;
      }
      try (ServerSocket tcp = new ServerSocket(port); java.net.DatagramSocket udp = new java.net.DatagramSocket(port)) {
        HANDED_OUT.add(port);
        return port;
      } catch (IOException e) {
        // Held for TCP or UDP; take another.
      }
    }
    throw new IOException("no new port free for both TCP and UDP after 500 attempts");
  }

  /**
   * The first of 16 ports in a row, each free for TCP and UDP now and none handed out before: for a whole stack
   * ({@code tandem up --port PORT} takes PORT and the ports above it).
   */
  static int freePortBlock() throws IOException {
    for (int attempt = 0; attempt < 500; attempt++) {
      int first = TestPorts.candidate(16);
      if (HANDED_OUT.contains(first)) {
        continue;
      }
      List<java.io.Closeable> held = new ArrayList<>();
      try {
        for (int offset = 0; offset < 16; offset++) {
          held.add(new ServerSocket(first + offset));
          held.add(new java.net.DatagramSocket(first + offset));
        }
        for (int offset = 0; offset < 16; offset++) {
          HANDED_OUT.add(first + offset);
        }
        return first;
      } catch (IOException e) {
        // One of them is held; take another block.
      } finally {
        for (java.io.Closeable socket : held) {
          socket.close();
        }
      }
    }
    throw new IOException("no 16 ports in a row free for TCP and UDP after 500 attempts");
  }

  /**
   * An even UDP port free with the three above it, not handed out before: where a SIP client such as sipp
   * binds its audio RTP and RTCP (and the pair above for video), which an odd port rounded down may not be.
   */
  static int freeMediaPorts() throws IOException {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = TestPorts.candidate(4);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      List<java.net.DatagramSocket> held = new ArrayList<>();
      try {
        for (int offset = 0; offset < 4; offset++) {
          held.add(new java.net.DatagramSocket(port + offset));
        }
        for (int offset = 0; offset < 4; offset++) {
          HANDED_OUT.add(port + offset);
        }
        return port;
      } catch (java.net.SocketException e) {
        // One of the four is held; take another.
      } finally {
        held.forEach(java.net.DatagramSocket::close);
      }
    }
    throw new IOException("no four UDP ports in a row free for media after 500 attempts");
  }
}
