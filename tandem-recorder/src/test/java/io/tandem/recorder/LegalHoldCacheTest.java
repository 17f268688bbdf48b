package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.database.LegalHold;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegalHoldCacheTest {
  private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
  private static final LegalHold HOLD = new LegalHold(7, "pair-1", FROM, FROM.plusSeconds(86_400), "case 17",
      FROM, "manager@10.0.0.9");
  private static final LegalHoldCache.Source DOWN = () -> {
    throw new SQLTransientConnectionException("the call database is down");
  };

  @TempDir
  Path dataDir;

  @Test
  void holdsNeverReadAreUnknown() {
    LegalHoldCache cache = LegalHoldCache.load(dataDir.resolve("legal-holds.json"));

    assertThat(cache.refresh(DOWN)).isNull();
  }

  @Test
  void holdsReadOnceAreKeptAcrossARestartWhileTheCallDatabaseIsDown() {
    Path file = dataDir.resolve("legal-holds.json");
    assertThat(LegalHoldCache.load(file).refresh(() -> List.of(HOLD))).containsExactly(HOLD);

    LegalHoldCache restarted = LegalHoldCache.load(file);

    assertThat(restarted.refresh(DOWN)).containsExactly(HOLD);
  }

  @Test
  void aRemovedHoldIsForgottenOnceReadAgain() {
    Path file = dataDir.resolve("legal-holds.json");
    LegalHoldCache cache = LegalHoldCache.load(file);
    cache.refresh(() -> List.of(HOLD));

    assertThat(cache.refresh(List::of)).isEmpty();
    assertThat(LegalHoldCache.load(file).refresh(DOWN)).isEmpty();
  }

  @Test
  void anUnreadableFileLeavesTheHoldsUnknown() throws Exception {
    Path file = Files.writeString(dataDir.resolve("legal-holds.json"), "[{\"id\":");

    assertThat(LegalHoldCache.load(file).refresh(DOWN)).isNull();
  }
}
