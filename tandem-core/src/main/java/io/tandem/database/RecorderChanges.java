package io.tandem.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when the registered recorders change (one registers, moves to another address or pair, or is removed), from
 * the call database's notifications on {@code tandem_recorders} (V17), on a connection of its own held open by a
 * thread of its own. {@code onChange} runs on that thread at each notification, and once each time listening
 * begins, since what changed while it did not listen is unknown. While the connection is down it is opened again
 * every second or so; {@link #listening()} says whether changes are heard now, so that a reader falls back to
 * reading on a timer meanwhile. A connection that the network dropped without a word is found out by a query
 * every {@link #PROBE_PERIOD}, which must answer within {@link #SOCKET_TIMEOUT}. Thread-safe.
 */
public final class RecorderChanges implements AutoCloseable {
  static final String CHANNEL = "tandem_recorders";
  /** How often the open connection is asked whether it still answers. */
  static final Duration PROBE_PERIOD = Duration.ofSeconds(10);
  /** How long a query of the listening connection may wait for its answer. */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(RecorderChanges.class);

  private final DatabaseConfig config;
  private final Runnable onChange;
  private final Thread thread;
  private volatile boolean listening;
  private volatile boolean closed;
  private volatile Connection open;

  RecorderChanges(DatabaseConfig config, Runnable onChange) {
    this.config = Objects.requireNonNull(config, "config");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.thread = Thread.ofPlatform().daemon().name("recorder-changes").unstarted(this::run);
  }

  public RecorderChanges start() {
    thread.start();
    return this;
  }

  /** True while changes are heard: the connection is open and listens. */
  public boolean listening() {
    return listening;
  }

  private void run() {
    boolean warned = false;
    while (!closed) {
      try (Connection connection = connect()) {
        open = connection;
        try (Statement listen = connection.createStatement()) {
          listen.execute("LISTEN " + CHANNEL);
        }
        listening = true;
        if (warned) {
          LOG.info("the registered recorders' changes are heard again");
          warned = false;
        }
        changed();
        follow(connection);
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!warned) {
          LOG.warn("the registered recorders' changes cannot be heard ({}): they are read every few seconds until "
              + "they can", e.toString());
          warned = true;
        }
      } finally {
        listening = false;
        open = null;
      }
      pause();
    }
  }

  private Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", config.user());
    properties.setProperty("password", config.password());
    properties.setProperty("connectTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
    properties.setProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
    properties.setProperty("ApplicationName", "tandem recorder changes");
    return DriverManager.getConnection(config.jdbcUrl(), properties);
  }

  private void follow(Connection connection) throws SQLException {
    PGConnection notices = connection.unwrap(PGConnection.class);
    long nextProbe = System.nanoTime() + PROBE_PERIOD.toNanos();
    while (!closed) {
      PGNotification[] heard = notices.getNotifications((int) RETRY.toMillis());
      if (heard != null && heard.length > 0) {
        changed();
      }
      if (System.nanoTime() - nextProbe >= 0) {
        try (Statement probe = connection.createStatement()) {
          probe.execute("SELECT 1");
        }
        nextProbe = System.nanoTime() + PROBE_PERIOD.toNanos();
      }
    }
  }

  private void changed() {
    try {
      onChange.run();
    } catch (RuntimeException e) {
      LOG.warn("a change of the registered recorders could not be taken in: {}", e.toString());
    }
  }

  private void pause() {
    try {
      Thread.sleep(RETRY);
    } catch (InterruptedException e) {
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    Connection connection = open;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing anyway.
      }
    }
  }
}
