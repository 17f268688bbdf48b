package io.tandem.callbuffer;

import io.tandem.config.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The recorder's own durable store (call buffer index, Workflow, INUM reservations): one SQLite file in
 * WAL mode with {@code synchronous=FULL}, so a committed transaction survives kill -9 and power loss.
 * Thread-safe: one connection, used by one thread at a time under a fair lock. Work passed to
 * {@link #transaction} is atomic; work passed to {@link #read} sees committed data only. Work passed to
 * {@link #readBeside} runs on a second, read-only connection under a lock of its own, beside any
 * transaction in progress: it sees one snapshot of the data committed when it starts.
 */
public final class LocalStore implements AutoCloseable {
  private static final int BUSY_TIMEOUT_MILLIS = 5_000;

  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock(true);
  private Connection reader;
  private final ReentrantLock readerLock = new ReentrantLock(true);
  private final List<Runnable> rollbackActions = new ArrayList<>();
  private final List<Runnable> endActions = new ArrayList<>();
  private boolean inTransaction;

  private LocalStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens the store file, creating it and its folder if needed, and brings its schema up to date. */
  public static LocalStore open(Path file) {
    try {
      Path folder = file.toAbsolutePath().getParent();
      if (folder != null) {
        PrivateFiles.createFolders(folder);
      }
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      LocalStore store = new LocalStore(file, connection);
      store.configure();
      store.migrate();
      store.openReader();
      return store;
    } catch (SQLException | java.io.IOException e) {
      throw new LocalStoreException("cannot open the local store " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** Runs read-only work under the lock, outside any transaction. */
  public <T> T read(SqlWork<T> work) {
    lock.lock();
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs read-only work on the second connection, in a read transaction of its own, so that it neither
   * waits for a transaction of another thread (nor its sync) nor sees it before it commits. Inside a
   * transaction of this thread it runs like {@link #read}, and sees that transaction's changes.
   */
  public <T> T readBeside(SqlWork<T> work) {
    if (lock.isHeldByCurrentThread()) {
      return read(work);
    }
    readerLock.lock();
    try {
      reader.setAutoCommit(false);
      try {
        return work.run(reader);
      } finally {
        // Ends the read transaction, so that its snapshot does not hold back checkpoints.
        reader.rollback();
        reader.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      readerLock.unlock();
    }
  }

  /**
   * Runs work as one transaction, committed (and synced) before this returns, or rolled back if the
   * work throws. A transaction started inside another joins it.
   */
  public <T> T transaction(SqlWork<T> work) {
    List<Runnable> ended = List.of();
    lock.lock();
    try {
      if (inTransaction) {
        return work.run(connection);
      }
      try {
        return runOutermost(work);
      } finally {
        ended = List.copyOf(endActions);
        endActions.clear();
      }
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      lock.unlock();
      ended.forEach(Runnable::run);
    }
  }

  /**
   * Registers an action to run once the outermost transaction this thread is in has ended, committed or
   * rolled back, after the store's lock is released; only inside a transaction. An action that throws is
   * logged by nobody: actions must not throw.
   */
  public void afterTransaction(Runnable action) {
    if (!inTransaction || !lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("afterTransaction needs an open transaction of this thread");
    }
    endActions.add(action);
  }

  /** Registers an action to run if the current transaction rolls back; only inside a transaction. */
  void onRollback(Runnable action) {
    if (!inTransaction || !lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("onRollback needs an open transaction of this thread");
    }
    rollbackActions.add(action);
  }

  @Override
  public void close() {
    readerLock.lock();
    try {
      reader.close();
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      readerLock.unlock();
    }
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      lock.unlock();
    }
  }

  private <T> T runOutermost(SqlWork<T> work) throws SQLException {
    connection.setAutoCommit(false);
    inTransaction = true;
    rollbackActions.clear();
    boolean committed = false;
    try {
      T result = work.run(connection);
      connection.commit();
      committed = true;
      return result;
    } finally {
      inTransaction = false;
      if (!committed) {
        rollBackQuietly();
      }
      rollbackActions.clear();
      restoreAutoCommit(committed);
    }
  }

  /**
   * Back to autocommit. After a failed commit (a full disk) SQLite has already rolled the transaction back, and
   * the driver's commit on the way out fails for want of one: that must not hide the failure worth reporting.
   */
  private void restoreAutoCommit(boolean committed) throws SQLException {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      if (committed) {
        throw e;
      }
    }
  }

  private void rollBackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // The original failure is the one worth reporting; SQLite discards the transaction anyway.
    }
    rollbackActions.forEach(Runnable::run);
  }

  private void configure() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      try (ResultSet mode = statement.executeQuery("PRAGMA journal_mode = WAL")) {
        if (!mode.next() || !"wal".equalsIgnoreCase(mode.getString(1))) {
          throw new SQLException("the store refused WAL journal mode");
        }
      }
      statement.execute("PRAGMA synchronous = FULL");
      statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
    }
  }

  private void openReader() throws SQLException {
    reader = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement statement = reader.createStatement()) {
      statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
      statement.execute("PRAGMA query_only = 1");
    }
  }

  private void migrate() throws SQLException {
    int version = read(this::userVersion);
    int latest = LocalStoreSchema.latestVersion();
    if (version > latest) {
      throw new SQLException("schema version " + version + " is newer than this recorder knows (" + latest + ")");
    }
    for (int next = version + 1; next <= latest; next++) {
      List<String> statements = LocalStoreSchema.MIGRATIONS.get(next - 1);
      int target = next;
      transaction(c -> {
        try (Statement statement = c.createStatement()) {
          for (String sql : statements) {
            statement.execute(sql);
          }
          statement.execute("PRAGMA user_version = " + target);
        }
        return null;
      });
    }
  }

  private int userVersion(Connection c) throws SQLException {
    try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private LocalStoreException failure(SQLException e) {
    return new LocalStoreException("local store " + file + " failed: " + e.getMessage(), e);
  }
}
