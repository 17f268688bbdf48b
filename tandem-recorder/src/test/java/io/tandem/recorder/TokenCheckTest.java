package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.access.AccessRole;
import io.tandem.access.Principal;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TokenCheckTest {
  private static final Principal ANN = new Principal("ann", AccessRole.OPERATOR, "token");
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T10:00:00Z"));
  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  private final AtomicInteger lookups = new AtomicInteger();
  private volatile boolean databaseUp = true;
  private volatile boolean revoked;
  private final TokenCheck check = new TokenCheck(token -> {
    lookups.incrementAndGet();
    if (!databaseUp) {
      throw new SQLTransientConnectionException("connection refused", "08001");
    }
    return revoked ? Optional.empty() : Optional.of(ANN);
  }, clock);

  @Test
  void aValidTokenIsAskedForOnceAMinute() throws Exception {
    assertThat(check.holder("tdm_ann")).contains(ANN);
    assertThat(check.holder("tdm_ann")).contains(ANN);
    assertThat(lookups).hasValue(1);

    later(TokenCheck.FRESH);
    assertThat(check.holder("tdm_ann")).contains(ANN);
    assertThat(lookups).hasValue(2);
  }

  @Test
  void aRevokedTokenIsRefusedWithinAMinute() throws Exception {
    check.holder("tdm_ann");
    revoked = true;

    later(TokenCheck.FRESH);
    assertThat(check.holder("tdm_ann")).isEmpty();
  }

  @Test
  void duringAnOutageATokenFoundValidRecentlyIsStillTakenAndOthersAreNot() throws Exception {
    check.holder("tdm_ann");
    databaseUp = false;

    later(Duration.ofMinutes(10));
    assertThat(check.holder("tdm_ann")).contains(ANN);
    assertThatThrownBy(() -> check.holder("tdm_bob")).isInstanceOf(SQLException.class);

    later(TokenCheck.OUTAGE);
    assertThatThrownBy(() -> check.holder("tdm_ann")).isInstanceOf(SQLException.class);
  }

  private void later(Duration by) {
    now.updateAndGet(instant -> instant.plus(by));
  }
}
