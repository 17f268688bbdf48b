package io.tandem.stack;

import io.tandem.config.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recorder run as a child process of the stack, with its output in its own log file. If it dies while
 * the stack is up it is started again, as a service manager would. Thread-safe.
 */
final class ChildRecorder {
  private static final Logger log = LoggerFactory.getLogger(ChildRecorder.class);

  /** How the logs name the recorder, such as {@code MAIN} or {@code pair-2 BACKUP}. */
  private final String name;
  private final Path config;
  private final Path logFile;
  private final StartupCache startupCache;
  private volatile Process process;
  /** Whether the running process writes its startup cache at exit, which makes its stop take longer. */
  private volatile boolean training;
  private volatile boolean stopping;

  ChildRecorder(String name, Path config, Path logFile, StartupCache startupCache) {
    this.name = name;
    this.config = config;
    this.logFile = logFile;
    this.startupCache = startupCache;
  }

  synchronized void start() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    PrivateFiles.createFolders(startupCache.dir());
    PrivateFiles.touch(logFile);
    StartupCache.Start faster = startupCache.forThisJvm();
    // The export lets RTP capture read its sockets' descriptors for batch receive (rtp.receive).
    command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "-XX:+UseSerialGC", "-Xmx512m"));
    command.addAll(faster.options());
    // What 'tandem recorder --config CONFIG --exit-with-parent PID' runs, without building a command-line parser.
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tandem.cli.StackRecorder",
        config.toString(), Long.toString(ProcessHandle.current().pid())));
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    training = faster.trains();
    log.info("{} recorder started as process {} (log: {})", name, process.pid(), logFile);
    Process started = process;
    started.onExit().thenAccept(this::exited);
  }

  private void exited(Process ended) {
    if (stopping || ended != process) {
      return;
    }
    log.warn("{} recorder (process {}) exited with status {}; starting it again in 2 s", name, ended.pid(),
        ended.exitValue());
    try {
      TimeUnit.SECONDS.sleep(2); // Give a crash loop room to breathe and the ports time to free.
      if (!stopping) {
        start();
      }
    } catch (IOException | InterruptedException e) {
      log.error("{} recorder could not be started again", name, e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Asks the recorder to stop cleanly, and kills it if it has not within the timeout. */
  void stop() {
    askToStop();
    awaitStop();
  }

  /** Asks the recorder to stop cleanly and returns at once; {@link #awaitStop} waits for it. */
  void askToStop() {
    stopping = true;
    Process running = process;
    if (running != null && running.isAlive()) {
      running.destroy();
    }
  }

  /** Waits for the recorder asked to stop, and kills it if it has not within the timeout. */
  void awaitStop() {
    Process running = process;
    if (running == null) {
      return;
    }
    // A run that trains its startup cache writes it after the recorder has stopped: only the cache waits for that.
    int timeoutSeconds = training ? 90 : 15;
    try {
      if (!running.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        log.warn("{} recorder did not stop within {} s; killing it", name, timeoutSeconds);
        running.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      running.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
