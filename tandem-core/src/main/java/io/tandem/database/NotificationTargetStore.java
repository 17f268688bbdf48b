package io.tandem.database;

import io.tandem.notification.Endpoint;
import io.tandem.notification.NotificationTarget;
import io.tandem.notification.SyslogEndpoint;
import io.tandem.notification.SyslogFacility;
import io.tandem.notification.SyslogTransport;
import io.tandem.notification.TargetSource;
import io.tandem.notification.TargetSpec;
import io.tandem.notification.WebhookEndpoint;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The notification targets in the call database, whether defined in the Manager's config file or through the
 * API, each with the id of the last event it delivered. A new target starts after the last event appended before
 * it was added: it is told what happens from then on. Thread-safe.
 */
public final class NotificationTargetStore {
  private static final String COLUMNS = "id, name, source, kind, url, secret, host, port, transport, facility, "
      + "last_event_id";
  private static final String LIST = "SELECT " + COLUMNS + " FROM notification_targets ORDER BY id";
  private static final String ONE = "SELECT " + COLUMNS + " FROM notification_targets WHERE id = ?";
  private static final String BY_NAME = "SELECT " + COLUMNS + " FROM notification_targets WHERE name = ? FOR UPDATE";
  private static final String INSERT = "INSERT INTO notification_targets (name, source, kind, url, secret, host, "
      + "port, transport, facility, last_event_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
      + "(SELECT coalesce(max(id), 0) FROM events), ?) ON CONFLICT (name) DO NOTHING RETURNING " + COLUMNS;
  private static final String UPDATE_ENDPOINT = "UPDATE notification_targets SET kind = ?, url = ?, secret = ?, "
      + "host = ?, port = ?, transport = ?, facility = ? WHERE id = ?";
  private static final String CONFIGURED = "SELECT id, name FROM notification_targets WHERE source = 'config'";
  private static final String DELETE = "DELETE FROM notification_targets WHERE id = ?";
  private static final String DELIVERED = "UPDATE notification_targets SET last_event_id = greatest(last_event_id, ?) "
      + "WHERE id = ?";

  private final DataSource dataSource;
  private final Clock clock;

  NotificationTargetStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  public List<NotificationTarget> all() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(LIST)) {
      return list(query);
    }
  }

  public Optional<NotificationTarget> one(long id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(ONE)) {
      query.setLong(1, id);
      return list(query).stream().findFirst();
    }
  }

  /** Adds a target defined through the API; empty, adding nothing, when its name is taken. */
  public Optional<NotificationTarget> add(TargetSpec spec) throws SQLException {
    Objects.requireNonNull(spec, "spec");
    return Transactions.inTransaction(dataSource, connection -> insert(connection, spec, TargetSource.API));
  }

  /**
   * Makes the targets of the config file those stored with source {@code config}, in one transaction: adds the new
   * ones, updates the endpoint of those kept (their last delivered event stays), removes those no longer in the
   * file. Every stored target after, of both sources.
   *
   * @throws IllegalArgumentException naming the target when a name of the file is taken by a target of the API
   */
  public List<NotificationTarget> syncConfigured(List<TargetSpec> configured) throws SQLException {
    Objects.requireNonNull(configured, "configured");
    Transactions.inTransaction(dataSource, connection -> {
      Set<String> names = new HashSet<>();
      for (TargetSpec spec : configured) {
        names.add(spec.name());
        Optional<NotificationTarget> existing = byName(connection, spec.name());
        if (existing.isEmpty()) {
          insert(connection, spec, TargetSource.CONFIG);
        } else if (existing.get().source() == TargetSource.API) {
          throw new IllegalArgumentException("notification target '" + spec.name() + "' of the config file has the "
              + "name of a target added through the API: rename one of them");
        } else {
          updateEndpoint(connection, existing.get().id(), spec.endpoint());
        }
      }
      removeConfiguredExcept(connection, names);
      return null;
    });
    return all();
  }

  /** Removes a target; false when there is none with this id. */
  public boolean remove(long id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete = connection.prepareStatement(DELETE)) {
      delete.setLong(1, id);
      return delete.executeUpdate() == 1;
    }
  }

  /** Notes that the target delivered every event up to {@code eventId}; never moves its mark back. */
  public void delivered(long targetId, long eventId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(DELIVERED)) {
      update.setLong(1, eventId);
      update.setLong(2, targetId);
      update.executeUpdate();
    }
  }

  private Optional<NotificationTarget> insert(Connection connection, TargetSpec spec, TargetSource source)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, spec.name());
      insert.setString(2, source.word());
      bindEndpoint(insert, 3, spec.endpoint());
      insert.setTimestamp(10, Timestamp.from(clock.instant()));
      return list(insert).stream().findFirst();
    }
  }

  private static Optional<NotificationTarget> byName(Connection connection, String name) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(BY_NAME)) {
      query.setString(1, name);
      return list(query).stream().findFirst();
    }
  }

  private static void updateEndpoint(Connection connection, long id, Endpoint endpoint) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE_ENDPOINT)) {
      bindEndpoint(update, 1, endpoint);
      update.setLong(8, id);
      update.executeUpdate();
    }
  }

  private static void removeConfiguredExcept(Connection connection, Set<String> names) throws SQLException {
    List<Long> gone = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(CONFIGURED);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        if (!names.contains(rows.getString(2))) {
          gone.add(rows.getLong(1));
        }
      }
    }
    for (long id : gone) {
      try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
        delete.setLong(1, id);
        delete.executeUpdate();
      }
    }
  }

  /** Binds kind, url, secret, host, port, transport and facility from {@code first} on. */
  private static void bindEndpoint(PreparedStatement statement, int first, Endpoint endpoint) throws SQLException {
    statement.setString(first, endpoint.kind());
    for (int i = first + 1; i <= first + 6; i++) {
      statement.setNull(i, i == first + 4 ? Types.INTEGER : Types.VARCHAR);
    }
    switch (endpoint) {
      case WebhookEndpoint webhook -> {
        statement.setString(first + 1, webhook.url().toString());
        statement.setString(first + 2, webhook.secret());
      }
      case SyslogEndpoint syslog -> {
        statement.setString(first + 3, syslog.host());
        statement.setInt(first + 4, syslog.port());
        statement.setString(first + 5, syslog.transport().word());
        statement.setString(first + 6, syslog.facility().word());
      }
    }
  }

  private static List<NotificationTarget> list(PreparedStatement statement) throws SQLException {
    List<NotificationTarget> targets = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        Endpoint endpoint = "webhook".equals(rows.getString(4))
            ? new WebhookEndpoint(URI.create(rows.getString(5)), rows.getString(6))
            : new SyslogEndpoint(rows.getString(7), rows.getInt(8), SyslogTransport.of(rows.getString(9)),
                SyslogFacility.of(rows.getString(10)));
        targets.add(new NotificationTarget(rows.getLong(1), new TargetSpec(rows.getString(2), endpoint),
            TargetSource.valueOf(rows.getString(3).toUpperCase(java.util.Locale.ROOT)), rows.getLong(11)));
      }
    }
    return targets;
  }
}
