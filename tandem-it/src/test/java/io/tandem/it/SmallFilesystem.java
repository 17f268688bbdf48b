package io.tandem.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real filesystem of a few megabytes (a tmpfs) that a test mounts under its own folder, fills and frees as
 * another process on the same disk would, and unmounts at close. Mounting needs root. Not thread-safe.
 */
final class SmallFilesystem implements AutoCloseable {
  private static final int CHUNK = 1 << 20;

  final Path mountPoint;
  private int fillers;

  private SmallFilesystem(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code megabytes} at {@code mountPoint}, made if missing; fails the test when not root. */
  static SmallFilesystem mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
    RealPeers.requireRoot("mount", "mounting a small filesystem for a recorder's data directory");
    Files.createDirectories(mountPoint);
    run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755", "tmpfs", mountPoint.toString());
    return new SmallFilesystem(mountPoint);
  }

  /** The bytes an unprivileged writer may still use. */
  long freeBytes() throws IOException {
    return Files.getFileStore(mountPoint).getUsableSpace();
  }

  /**
   * Writes a file of zeros, as another process would, until about {@code leftBytes} are free (0: until the
   * filesystem refuses any more), and returns it. The recorder writing at the same time may leave a little less.
   */
  Path fillLeaving(long leftBytes) throws IOException {
    Path filler = mountPoint.resolve("filler-" + ++fillers);
    ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);
    try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long room = freeBytes() - leftBytes; room > 0; room = freeBytes() - leftBytes) {
        zeros.clear().limit((int) Math.min(CHUNK, room));
        out.write(zeros);
      }
    } catch (IOException e) {
      if (leftBytes > 0 || !"No space left on device".equals(e.getMessage())) {
        throw e;
      }
    }
    return filler;
  }

  /** Unmounts; a mount that something still holds is detached lazily, so that the test's folder can go. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> tryRun("umount", mountPoint.toString()));
    } catch (ConditionTimeoutException e) {
      run("umount", "-l", mountPoint.toString());
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    if (!tryRun(command)) {
      throw new IOException(String.join(" ", command) + " failed");
    }
  }

  private static boolean tryRun(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return false;
    }
    if (process.exitValue() != 0) {
      System.err.println(String.join(" ", command) + ": " + output.strip());
    }
    return process.exitValue() == 0;
  }
}
