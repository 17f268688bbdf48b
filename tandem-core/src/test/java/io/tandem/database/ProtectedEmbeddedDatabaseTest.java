package io.tandem.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server as a stack runs it: no client gets in without the superuser's password, now or after a restart. */
class ProtectedEmbeddedDatabaseTest {
  private static final String PASSWORD = "a-generated-password-0123456789";

  @TempDir
  Path directory;

  @Test
  void noConnectionWithoutThePasswordBeforeOrAfterARestart() throws Exception {
    try (EmbeddedDatabase server = EmbeddedDatabase.startProtected(directory, 0, PASSWORD)) {
      assertRefusedWithoutThePassword(server);
    }
    try (EmbeddedDatabase server = EmbeddedDatabase.startProtected(directory, 0, PASSWORD)) {
      assertRefusedWithoutThePassword(server);
      try (CallDatabase database = CallDatabase.connect(server.config(2))) {
        database.migrate();
        assertThat(database.interactionCount()).isZero();
      }
    }
  }

  private static void assertRefusedWithoutThePassword(EmbeddedDatabase server) throws SQLException {
    assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), "postgres", "").close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password");
    assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), "postgres", "not the password").close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", PASSWORD)) {
      assertThat(connection.isValid(2)).isTrue();
    }
  }
}
