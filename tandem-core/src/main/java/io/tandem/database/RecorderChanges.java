package io.tandem.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when the registered recorders change (one registers, moves to another address or pair, or is removed), from
 * the call database's notifications on {@code tandem_recorders} (V17), on a connection of its own held open by a
 * thread of its own. {@code onChange} runs on that thread at each change, and once each time listening begins,
 * since what changed while it did not listen is unknown.
 *
 * <p>{@link #listening()} says whether changes are heard now, so that a reader falls back to reading on a timer
 * meanwhile. It is proven, not assumed: every {@link #PROBE_PERIOD} a probe notification is sent through another
 * connection (the pool's), and changes count as heard only while the last probe came back. A connection that went
 * down, a server that does not deliver notifications to this session (a pooler in front of it that shares server
 * sessions between clients), or a listening session the network dropped without a word all show as probes not
 * heard; after {@link #UNHEARD_PROBES} of them in a row the connection is opened anew. Thread-safe.
 */
public final class RecorderChanges implements AutoCloseable {
  static final String CHANNEL = "tandem_recorders";
  /** How often a probe notification is sent, and how long it has to come back. */
  static final Duration PROBE_PERIOD = Duration.ofSeconds(5);
  /** Probes in a row not heard before the listening connection is opened anew. */
  static final int UNHEARD_PROBES = 3;
  /** How long a query of the listening connection may wait for its answer, or a connection to be opened. */
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(1);
  private static final String PROBE = "probe ";
  private static final Logger LOG = LoggerFactory.getLogger(RecorderChanges.class);

  private final DatabaseConfig config;
  private final DataSource probes;
  private final Runnable onChange;
  private final Thread thread;
  /** Its probes' own mark: every Manager on the database hears every other's probes as well. */
  private final String probeMark = PROBE + UUID.randomUUID() + " ";
  private volatile boolean listening;
  private volatile boolean closed;
  private volatile Connection open;
  private boolean warned;
  private long probesSent;

  /** {@code probes} sends the probe notifications: any connection to the same database but the listening one. */
  RecorderChanges(DatabaseConfig config, DataSource probes, Runnable onChange) {
    this.config = Objects.requireNonNull(config, "config");
    this.probes = Objects.requireNonNull(probes, "probes");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.thread = Thread.ofPlatform().daemon().name("recorder-changes").unstarted(this::run);
  }

  public RecorderChanges start() {
    thread.start();
    return this;
  }

  /** True while changes are heard: the last probe notification came back on the listening connection. */
  public boolean listening() {
    return listening;
  }

  private void run() {
    while (!closed) {
      String why;
      try (Connection connection = connect()) {
        open = connection;
        try (Statement listen = connection.createStatement()) {
          listen.execute("LISTEN " + CHANNEL);
        }
        changed();
        why = follow(connection);
      } catch (SQLException | RuntimeException e) {
        why = e.toString();
      } finally {
        open = null;
      }
      if (closed) {
        return;
      }
      notHeard(why);
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

  /** Hears changes and probes until too many probes in a row were not heard; says why it stopped. */
  private String follow(Connection connection) throws SQLException {
    PGConnection notices = connection.unwrap(PGConnection.class);
    String awaited = sendProbe();
    long sentAt = System.nanoTime();
    int unheard = 0;
    while (!closed) {
      PGNotification[] heard = notices.getNotifications((int) WAIT.toMillis());
      boolean change = false;
      for (PGNotification notification : heard == null ? new PGNotification[0] : heard) {
        if (notification.getParameter().equals(awaited)) {
          awaited = null;
          unheard = 0;
          heardAgain();
        } else if (!notification.getParameter().startsWith(PROBE)) {
          change = true;
        }
      }
      if (change) {
        changed();
      }
      if (System.nanoTime() - sentAt >= PROBE_PERIOD.toNanos()) {
        if (awaited != null) {
          unheard++;
          notHeard("a probe notification sent " + PROBE_PERIOD.toSeconds() + " s ago did not come back");
          if (unheard >= UNHEARD_PROBES) {
            return UNHEARD_PROBES + " probe notifications in a row did not come back";
          }
        }
        // The listening session answers too, or its socket times out: a dead link ends it here.
        try (Statement alive = connection.createStatement()) {
          alive.execute("SELECT 1");
        }
        awaited = sendProbe();
        sentAt = System.nanoTime();
      }
    }
    return "closed";
  }

  /** Sends a probe through the other connection, and returns it: one that could not be sent is not heard either. */
  private String sendProbe() {
    String payload = probeMark + ++probesSent;
    try (Connection connection = probes.getConnection();
        PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, CHANNEL);
      notify.setString(2, payload);
      notify.execute();
      return payload;
    } catch (SQLException e) {
      LOG.debug("a probe notification could not be sent: {}", e.toString());
      return payload;
    }
  }

  private void heardAgain() {
    if (!listening) {
      listening = true;
      if (warned) {
        LOG.info("the registered recorders' changes are heard again");
        warned = false;
      }
    }
  }

  private void notHeard(String why) {
    listening = false;
    if (!warned && !closed) {
      LOG.warn("the registered recorders' changes are not heard now ({}): they are read every few seconds until "
          + "they are", why);
      warned = true;
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
      Thread.sleep(WAIT);
    } catch (InterruptedException e) {
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    listening = false;
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
