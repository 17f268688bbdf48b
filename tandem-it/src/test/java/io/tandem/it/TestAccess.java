package io.tandem.it;

import io.tandem.access.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The credentials every integration test runs with, made once per test JVM: the secret the Recorder Manager and the
 * recorders share (written into every config file the fixtures write), and an admin API token that every fixture
 * puts into its call database and every helper client and launched command ({@code TANDEM_TOKEN}) sends.
 */
final class TestAccess {
  static final String MANAGER_SECRET = Secrets.random("it-");
  static final String ADMIN_TOKEN = Secrets.random("tdm_");

  private TestAccess() {}

  /** Puts the tests' admin token into a migrated call database, as an administrator provisioning a script would. */
  static void provision(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        PreparedStatement insert = c.prepareStatement("INSERT INTO api_tokens (name, role, sha256, created_at, "
            + "created_by) VALUES ('integration-tests', 'admin', ?, now(), 'the test fixture') "
            + "ON CONFLICT (sha256) DO NOTHING")) {
      insert.setString(1, Secrets.sha256(ADMIN_TOKEN));
      insert.executeUpdate();
    }
  }
}
