package io.tandem.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.access.AccessRole;
import io.tandem.access.IssuedToken;
import io.tandem.access.Principal;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CredentialsTest {
  private static final AtomicReference<Instant> NOW = new AtomicReference<>(Instant.parse("2026-12-02T10:00:00Z"));
  private static DatabaseFixture fixture;
  private static CallDatabase database;
  private static Credentials credentials;

  @BeforeAll
  static void start() throws Exception {
    fixture = DatabaseFixture.start();
    database = CallDatabase.connect(fixture.server.config(2), new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return NOW.get();
      }
    });
    credentials = database.credentials();
  }

  @AfterAll
  static void stop() {
    database.close();
    fixture.close();
  }

  @BeforeEach
  void clear() throws SQLException {
    fixture.clear();
  }

  @Test
  void aUserIsKnownByItsPasswordOnlyAndItsHashIsArgon2id() throws Exception {
    credentials.addUser("ann", AccessRole.SUPERVISOR, "correct horse battery", "test");

    assertThat(credentials.checkPassword("ann", "correct horse battery"))
        .contains(new Principal("ann", AccessRole.SUPERVISOR, "password"));
    assertThat(credentials.checkPassword("ann", "correct horse battery ")).isEmpty();
    assertThat(credentials.checkPassword("bob", "correct horse battery")).isEmpty();
    assertThat(credentials.checkPassword("bad\u0000name", "x")).isEmpty();
    assertThat(fixture.text("SELECT password_hash FROM users WHERE name = 'ann'")).startsWith("$argon2id$v=19$")
        .doesNotContain("correct horse battery");
  }

  @Test
  void badUsersAreRefusedNamingTheField() {
    assertThatThrownBy(() -> credentials.addUser("ann", AccessRole.ADMIN, "short", "test"))
        .hasMessage("'password' must be at least 12 characters");
    assertThatThrownBy(() -> credentials.addUser("a b", AccessRole.ADMIN, "long enough password", "test"))
        .hasMessageStartingWith("'name' must be 1 to 64 letters");
    assertThatThrownBy(() -> credentials.addUser("rrc", AccessRole.MANAGER, "long enough password", "test"))
        .hasMessageContaining("got 'manager'");
  }

  @Test
  void aTokenIsStoredAsItsDigestAndStopsWorkingWhenRevoked() throws Exception {
    IssuedToken token = credentials.addToken("nightly", AccessRole.OPERATOR, "ann");

    assertThat(credentials.token(token.token())).contains(new Principal("nightly", AccessRole.OPERATOR, "token"));
    assertThat(fixture.count("api_tokens")).isEqualTo(1);
    assertThat(fixture.text("SELECT sha256 FROM api_tokens")).isNotEqualTo(token.token()).hasSize(64);
    assertThat(credentials.revokeToken(token.id())).isTrue();
    assertThat(credentials.revokeToken(token.id())).isFalse();
    assertThat(credentials.token(token.token())).isEmpty();
    assertThat(credentials.tokens().getFirst().revokedAt()).isEqualTo(NOW.get());
  }

  @Test
  void aSessionExpiresAndEndsWithItsUser() throws Exception {
    credentials.addUser("ann", AccessRole.AUDITOR, "correct horse battery", "test");
    String session = credentials.openSession("ann");

    assertThat(credentials.session(session)).contains(new Principal("ann", AccessRole.AUDITOR, "session"));
    NOW.updateAndGet(now -> now.plus(Credentials.SESSION_LIFETIME));
    assertThat(credentials.session(session)).as("expired").isEmpty();

    String again = credentials.openSession("ann");
    credentials.removeUser("ann");
    assertThat(credentials.session(again)).as("its user removed").isEmpty();
  }
}
