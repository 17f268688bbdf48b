package io.tandem.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive claim on a data directory, so that two processes never write the same one. The operating
 * system drops the claim when the process dies, kill -9 included. Close it once.
 */
public final class DirectoryLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Claims {@code directory} (created if missing) through the file {@code name} in it.
   *
   * @param holder what claims it, for the message when another process already has it
   * @throws IllegalStateException when another process holds the directory
   */
  public static DirectoryLock claim(Path directory, String name, String holder) throws IOException {
    PrivateFiles.createFolders(directory);
    FileChannel channel = PrivateFiles.open(directory.resolve(name), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("data directory " + directory + " is in use by another " + holder);
    }
    return new DirectoryLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
