package io.tandem.database;

import java.util.Objects;

/**
 * Where the call database is and how many connections to keep to it. Immutable; validated when built.
 *
 * @param password may be empty, never null
 * @param poolSize the most connections the pool opens, 1 to 100
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, int poolSize) {
  public DatabaseConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, got '" + jdbcUrl + "'");
    }
    Objects.requireNonNull(user, "user");
    password = password == null ? "" : password;
    if (poolSize < 1 || poolSize > 100) {
      throw new IllegalArgumentException("poolSize must be 1..100, got " + poolSize);
    }
  }

  @Override
  public String toString() {
    return "DatabaseConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", poolSize=" + poolSize + "]";
  }
}
