package io.tandem.it;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** A real Recorder Manager process (with its RRC) started from the built distribution, so it can be killed -9. */
final class ManagerProcess implements AutoCloseable {
  final int port;
  private final Path directory;
  private final Path config;
  private final String host;
  private List<String> launcher = List.of();
  private Process process;

  ManagerProcess(Path directory, String databaseUrl, String healthInterval, int healthMisses) throws IOException {
    this(directory, databaseUrl, healthInterval, healthMisses, Map.of());
  }

  /** {@code settings} are further keys of the manager's config file, such as its notification targets. */
  ManagerProcess(Path directory, String databaseUrl, String healthInterval, int healthMisses,
      Map<String, String> settings) throws IOException {
    this.directory = directory;
    this.port = RecorderProcess.freePort();
    this.host = settings.getOrDefault("manager.host", "127.0.0.1");
    Files.createDirectories(directory);
    Properties properties = new Properties();
    properties.setProperty("manager.port", Integer.toString(port));
    properties.setProperty("database.url", databaseUrl);
    properties.setProperty("database.user", "postgres");
    properties.setProperty("health.interval", healthInterval);
    properties.setProperty("health.misses", Integer.toString(healthMisses));
    properties.setProperty("manager.secret", TestAccess.MANAGER_SECRET);
    settings.forEach(properties::setProperty);
    config = directory.resolve("manager.properties");
    try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      properties.store(writer, null);
    }
  }

  /** Started through {@code launcher} from now on, a command prefix such as {@code ip netns exec NAME}. */
  ManagerProcess launchedBy(List<String> launcher) {
    this.launcher = List.copyOf(launcher);
    return this;
  }

  ManagerProcess start() throws IOException, InterruptedException {
    process = RecorderProcess.launch(launcher, List.of("manager", "--config", config.toString()), directory.resolve("manager.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the manager exited with " + process.exitValue() + ": "
            + Files.readString(directory.resolve("manager.log")));
      }
      if (ready()) {
        return this;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the manager did not become ready");
  }

  String url() {
    return "http://" + host + ":" + port;
  }

  private boolean ready() {
    try {
      return PairFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  long pid() {
    return process.pid();
  }

  /** SIGSTOP: the Manager is frozen as a long collector pause would freeze it. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: the frozen Manager goes on where it stopped, with what it knew then. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + exit);
    }
  }

  /** What the Manager has logged so far. */
  String log() throws IOException {
    return Files.readString(directory.resolve("manager.log"));
  }

  /** kill -9: the process gets no chance to clean up. Returns once it has ended, and fails if it does not. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Manager pid " + process.pid() + " still runs 30 s after kill -9");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
