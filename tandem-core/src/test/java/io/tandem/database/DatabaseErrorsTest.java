package io.tandem.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DatabaseErrorsTest {
  @ParameterizedTest
  @ValueSource(strings = {"08000", "08001", "08003", "08006", "08P01", "40001", "40P01", "53000", "53100", "53200",
      "53300", "57P01", "57P02", "57P03", "55P03", "25P03", "57014"})
  void transientStatesAreRetryable(String sqlState) {
    assertThat(DatabaseErrors.isRetryable(new SQLException("transient", sqlState))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"23505", "23503", "23502", "23514", "42601", "42P01", "42703", "22001", "22003", "22007",
      "22P02", "25P02", "XX000"})
  void requestErrorsAreFatal(String sqlState) {
    assertThat(DatabaseErrors.isRetryable(new SQLException("fatal", sqlState))).isFalse();
  }

  @Test
  void aCancelledStatementIsToldApartAndNamesTheSetting() {
    RuntimeException failure = new RuntimeException("search failed",
        new SQLException("canceling statement due to statement timeout", "57014"));

    assertThat(DatabaseErrors.isStatementTimeout(failure)).isTrue();
    assertThat(DatabaseErrors.isStatementTimeout(new SQLException("lock not available", "55P03"))).isFalse();
    assertThat(DatabaseErrors.statementTimeoutMessage(Duration.ofMinutes(5)))
        .isEqualTo("the call database took longer than database.statementTimeout (5m) and cancelled the statement");
    assertThat(DatabaseErrors.statementTimeoutMessage(Duration.ofSeconds(90))).contains("(90s)");
    assertThat(DatabaseErrors.statementTimeoutMessage(Duration.ofMillis(1500))).contains("(1500ms)");
    assertThat(DatabaseErrors.statementTimeoutMessage(Duration.ofHours(2))).contains("(2h)");
  }

  @Test
  void refusedConnectionDeepInTheCauseChainIsRetryable() {
    SQLException failure = new SQLException("cannot connect", (String) null,
        new RuntimeException("wrapped", new ConnectException("Connection refused")));

    assertThat(DatabaseErrors.isRetryable(failure)).isTrue();
  }

  @Test
  void poolTimeoutIsRetryable() {
    assertThat(DatabaseErrors.isRetryable(new SQLTransientConnectionException("pool timed out"))).isTrue();
  }

  @Test
  void stateFromACauseIsUsedWhenTheOuterExceptionHasNone() {
    RuntimeException failure = new RuntimeException("mark failed", new SQLException("deadlock", "40P01"));

    assertThat(DatabaseErrors.isRetryable(failure)).isTrue();
  }

  @Test
  void errorsWithoutStateOrConnectionCauseAreFatal() {
    assertThat(DatabaseErrors.isRetryable(new SQLException("no state"))).isFalse();
    assertThat(DatabaseErrors.isRetryable(new IllegalArgumentException("bad"))).isFalse();
    assertThat(DatabaseErrors.isRetryable(new FencedException(new Fence(100_000, 1), 2))).isFalse();
  }
}
