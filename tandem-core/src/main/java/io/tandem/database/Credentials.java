package io.tandem.database;

import io.tandem.access.AccessRole;
import io.tandem.access.IssuedToken;
import io.tandem.access.PasswordHash;
import io.tandem.access.Principal;
import io.tandem.access.Secrets;
import io.tandem.access.TokenView;
import io.tandem.access.UserView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Users, API tokens and login sessions in the call database. Passwords are kept as Argon2id hashes, tokens and
 * session ids as their SHA-256 only, so a copy of the database lets nobody in. Every change is committed before a
 * method returns. Thread-safe.
 */
public final class Credentials {
  /** How long a login session lasts. */
  public static final Duration SESSION_LIFETIME = Duration.ofHours(8);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final int MIN_PASSWORD = 12;

  private final DataSource dataSource;
  private final Clock clock;

  Credentials(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /**
   * @throws NameTakenException when a user has the name already
   * @throws IllegalArgumentException naming the field at fault
   */
  public UserView addUser(String name, AccessRole role, String password, String createdBy) throws SQLException {
    checkName(name);
    checkPersonRole(role);
    if (password == null || password.length() < MIN_PASSWORD) {
      throw new IllegalArgumentException("'password' must be at least " + MIN_PASSWORD + " characters");
    }
    Instant now = clock.instant();
    try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
        "INSERT INTO users (name, role, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?) "
            + "ON CONFLICT (name) DO NOTHING")) {
      insert.setString(1, name);
      insert.setString(2, role.word());
      insert.setString(3, PasswordHash.hash(password));
      insert.setTimestamp(4, Timestamp.from(now));
      insert.setString(5, createdBy);
      if (insert.executeUpdate() == 0) {
        throw new NameTakenException("a user named '" + name + "' exists already");
      }
    }
    return new UserView(name, role.word(), now, createdBy);
  }

  public List<UserView> users() throws SQLException {
    List<UserView> users = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
        "SELECT name, role, created_at, created_by FROM users ORDER BY name"); ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        users.add(new UserView(rows.getString(1), rows.getString(2), rows.getTimestamp(3).toInstant(),
            rows.getString(4)));
      }
    }
    return users;
  }

  public boolean hasUsers() throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
        "SELECT EXISTS (SELECT 1 FROM users)"); ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getBoolean(1);
    }
  }

  /** Removes a user and its sessions; false when there is none of that name. */
  public boolean removeUser(String name) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement delete = c.prepareStatement("DELETE FROM users WHERE name = ?")) {
      delete.setString(1, name);
      return delete.executeUpdate() > 0;
    }
  }

  /** The user, when the password is its own; a missing user costs the same time as a wrong password. */
  public Optional<Principal> checkPassword(String name, String password) throws SQLException {
    if (name == null || !NAME.matcher(name).matches()) {
      PasswordHash.decoy(password);
      return Optional.empty();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement("SELECT role, password_hash FROM users WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          PasswordHash.decoy(password);
          return Optional.empty();
        }
        return PasswordHash.matches(password, rows.getString(2))
            ? Optional.of(new Principal(name, AccessRole.ofPerson(rows.getString(1)), "password"))
            : Optional.empty();
      }
    }
  }

  /** Opens a session for a user; the random id for its cookie, kept here only as its SHA-256. */
  public String openSession(String userName) throws SQLException {
    String id = Secrets.random("");
    Instant now = clock.instant();
    try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
        "INSERT INTO sessions (sha256, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, Secrets.sha256(id));
      insert.setString(2, userName);
      insert.setTimestamp(3, Timestamp.from(now));
      insert.setTimestamp(4, Timestamp.from(now.plus(SESSION_LIFETIME)));
      insert.executeUpdate();
    }
    return id;
  }

  /** The user of a session that has not expired. */
  public Optional<Principal> session(String id) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
        "SELECT u.name, u.role FROM sessions s JOIN users u ON u.name = s.user_name "
            + "WHERE s.sha256 = ? AND s.expires_at > ?")) {
      query.setString(1, Secrets.sha256(id));
      query.setTimestamp(2, Timestamp.from(clock.instant()));
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(new Principal(rows.getString(1), AccessRole.ofPerson(rows.getString(2)),
            "session")) : Optional.empty();
      }
    }
  }

  /** Ends a session, and every session that has expired. */
  public void closeSession(String id) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement(
        "DELETE FROM sessions WHERE sha256 = ? OR expires_at <= ?")) {
      delete.setString(1, Secrets.sha256(id));
      delete.setTimestamp(2, Timestamp.from(clock.instant()));
      delete.executeUpdate();
    }
  }

  /** Creates an API token; the token itself is in the answer only. */
  public IssuedToken addToken(String name, AccessRole role, String createdBy) throws SQLException {
    checkName(name);
    checkPersonRole(role);
    String token = Secrets.random("tdm_");
    try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
        "INSERT INTO api_tokens (name, role, sha256, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
      insert.setString(1, name);
      insert.setString(2, role.word());
      insert.setString(3, Secrets.sha256(token));
      insert.setTimestamp(4, Timestamp.from(clock.instant()));
      insert.setString(5, createdBy);
      try (ResultSet rows = insert.executeQuery()) {
        rows.next();
        return new IssuedToken(rows.getLong(1), name, role, token);
      }
    }
  }

  public List<TokenView> tokens() throws SQLException {
    List<TokenView> tokens = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
        "SELECT id, name, role, created_at, created_by, revoked_at FROM api_tokens ORDER BY id");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        Timestamp revoked = rows.getTimestamp(6);
        tokens.add(new TokenView(rows.getLong(1), rows.getString(2), rows.getString(3),
            rows.getTimestamp(4).toInstant(), rows.getString(5), revoked == null ? null : revoked.toInstant()));
      }
    }
    return tokens;
  }

  /** Revokes a token for good; false when there is no such token or it was revoked already. */
  public boolean revokeToken(long id) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      update.setTimestamp(1, Timestamp.from(clock.instant()));
      update.setLong(2, id);
      return update.executeUpdate() > 0;
    }
  }

  /** The holder of a token that exists and is not revoked. */
  public Optional<Principal> token(String token) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
        "SELECT name, role FROM api_tokens WHERE sha256 = ? AND revoked_at IS NULL")) {
      query.setString(1, Secrets.sha256(token));
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(new Principal(rows.getString(1), AccessRole.ofPerson(rows.getString(2)),
            "token")) : Optional.empty();
      }
    }
  }

  private static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'name' must be 1 to 64 letters, digits, '.', '_', '@' or '-', got "
          + (name == null ? "nothing" : "'" + name + "'"));
    }
  }

  private static void checkPersonRole(AccessRole role) {
    Objects.requireNonNull(role, "role");
    if (role == AccessRole.MANAGER) {
      throw new IllegalArgumentException("'role' must be one of admin, operator, supervisor, auditor, got 'manager'");
    }
  }
}
