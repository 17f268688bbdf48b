package io.tandem.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuditTrailTest {
  private final List<String> written = new CopyOnWriteArrayList<>();
  private final AtomicInteger outagesLeft = new AtomicInteger();

  @Test
  void rowsWaitForTheDatabaseAndAreWrittenInOrder() {
    outagesLeft.set(3);
    try (AuditTrail trail = new AuditTrail(this::write, e -> e instanceof SQLTransientConnectionException,
        Duration.ofMillis(5))) {
      trail.record("ann", "rebuild", "Rebuild Fix", "done");
      trail.record("bob", "reprocess", "Reprocess", "done");

      await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);
      assertThat(written).containsExactly("ann rebuild", "bob reprocess");
      assertThat(outagesLeft).hasValue(0);
      assertThat(trail.waiting()).isZero();
    }
  }

  @Test
  void rowRefusedForGoodIsDroppedAndTheNextOneWritten() {
    try (AuditTrail trail = new AuditTrail(this::write, e -> e instanceof SQLTransientConnectionException,
        Duration.ofMillis(5))) {
      trail.record("ann", "poison", "x", "y");
      trail.record("bob", "rebuild", "Rebuild Fix", "done");

      await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
      assertThat(written).containsExactly("bob rebuild");
    }
  }

  private void write(String actor, String action, String detail, String result) throws SQLException {
    if (outagesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new SQLTransientConnectionException("call database unreachable");
    }
    if (action.equals("poison")) {
      throw new SQLException("value too long for type character varying(64)");
    }
    written.add(actor + " " + action);
  }
}
