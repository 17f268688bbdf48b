package io.tandem.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The one row of the Recorder Redundancy Controller's lease ({@code controller_lease}). Every write is a compare
 * and set on one row, so two Managers never both take or keep it: {@link #take} succeeds only when the lease was
 * not written since it was read, {@link #renew} and {@link #release} only for the holder of that epoch. When a
 * holder must stop acting, and when a standby may take, is decided by the caller on its own monotonic clock (see
 * {@code Leadership}): no time stored here is compared with any host's clock. The acting writes of the RRC are fenced
 * by the lease ({@link #inFencedTransaction}): each commits only while the lease is still its writer's. Thread-safe.
 */
public final class ControllerLease {
  private static final String READ = "SELECT holder_id, holder_url, epoch, renewals FROM controller_lease WHERE id = 1";
  private static final String TAKE = "UPDATE controller_lease SET holder_id = ?, holder_url = ?, epoch = epoch + 1, "
      + "renewals = renewals + 1, renewed_at = now() WHERE id = 1 AND renewals = ? RETURNING epoch";
  private static final String RENEW = "UPDATE controller_lease SET renewals = renewals + 1, renewed_at = now() "
      + "WHERE id = 1 AND holder_id = ? AND epoch = ?";
  // FOR SHARE: a take waits until the fenced transaction ends, so it either commits before the take or sees it.
  private static final String CONFIRM =
      "SELECT holder_id, holder_url, epoch FROM controller_lease WHERE id = 1 FOR SHARE";
  private static final String RELEASE = "UPDATE controller_lease SET holder_id = NULL, holder_url = NULL, "
      + "renewals = renewals + 1, renewed_at = now() WHERE id = 1 AND holder_id = ? AND epoch = ?";
  /** A lease statement that waits longer than this is of no use: the lease is a few seconds. */
  private static final int STATEMENT_TIMEOUT_SECONDS = 2;

  private final DataSource dataSource;

  ControllerLease(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public LeaseView read() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = prepare(connection, READ);
        ResultSet row = query.executeQuery()) {
      if (!row.next()) {
        throw new SQLException("the controller lease row is missing: the call database schema is not migrated");
      }
      return new LeaseView(row.getString(1), row.getString(2), row.getLong(3), row.getLong(4));
    }
  }

  /** Takes the lease for {@code holderId} if it was not written since {@code seenRenewals}; its new epoch if so. */
  public OptionalLong take(String holderId, String holderUrl, long seenRenewals) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = prepare(connection, TAKE)) {
      update.setString(1, Objects.requireNonNull(holderId, "holderId"));
      update.setString(2, holderUrl);
      update.setLong(3, seenRenewals);
      try (ResultSet row = update.executeQuery()) {
        return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  /** Renews the lease of {@code holderId} at {@code epoch}; false when it no longer holds it. */
  public boolean renew(String holderId, long epoch) throws SQLException {
    return holderWrite(RENEW, holderId, epoch);
  }

  /** Gives the lease up, so that another Manager may take it at once; false when it no longer held it. */
  public boolean release(String holderId, long epoch) throws SQLException {
    return holderWrite(RELEASE, holderId, epoch);
  }

  /**
   * Runs {@code work} in one transaction that commits only if, at its end, the lease is still held by the fence's
   * holder at its epoch; otherwise rolls it all back, so nothing of it is written.
   *
   * @throws LeaseLostException when the lease is no longer the fence's
   */
  static <T> T inFencedTransaction(DataSource dataSource, LeaderFence fence,
      Transactions.Work<T, RuntimeException> work) throws SQLException, LeaseLostException {
    Objects.requireNonNull(fence, "fence");
    return Transactions.<T, LeaseLostException>inTransaction(dataSource, connection -> {
      T result = work.run(connection);
      // Checked last, so the lease row is locked only from here to the commit: the holder's renewals never wait
      // on a write that waits for a pair's lock.
      confirm(connection, fence);
      return result;
    });
  }

  private static void confirm(Connection connection, LeaderFence fence) throws SQLException, LeaseLostException {
    try (PreparedStatement query = connection.prepareStatement(CONFIRM); ResultSet row = query.executeQuery()) {
      if (!row.next()) {
        throw new SQLException("the controller lease row is missing: the call database schema is not migrated");
      }
      if (!fence.holderId().equals(row.getString(1)) || fence.epoch() != row.getLong(3)) {
        throw new LeaseLostException(fence, row.getString(2), row.getLong(3));
      }
    }
  }

  private boolean holderWrite(String sql, String holderId, long epoch) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = prepare(connection, sql)) {
      update.setString(1, Objects.requireNonNull(holderId, "holderId"));
      update.setLong(2, epoch);
      return update.executeUpdate() == 1;
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
    return statement;
  }
}
